/**
 * The CPU backend's type traits (ggml-cpu.h struct ggml_type_traits_cpu: from_float, vec_dot, vec_dot_type,
 * nrows) of the loaded variant, and the portable `_generic` kernels that variant also exports. These are the
 * SIMD paths llama.cpp runs: from_float quantizes activations, vec_dot is one row · one row.
 */
import { QbenchError } from '@qbench/core';
import { checkLength } from './buffers.ts';
import type { Koffi } from './koffi.ts';
import type { SymbolTable } from './symbols.ts';
import type { TypeTable } from './type-table.ts';

/** ggml_vec_dot_t: (n, s, bs, x, bx, y, by, nrc); qbench always asks for one result (nrc = 1). */
const VEC_DOT =
  'void %s(int n, void *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc)';
const FROM_FLOAT = 'void %s(const void *x, void *y, int64_t k)';

export interface CpuTypeTraits {
  readonly type: number;
  /** ggml's vec_dot_type: the type the activation row is quantized to before vec_dot. */
  readonly vecDotType: number;
  readonly nrows: number;
  readonly hasFromFloat: boolean;
  readonly hasVecDot: boolean;
  /** The CPU from_float (SIMD where the variant has it) into this type: x.length whole blocks. */
  fromFloat(x: Float32Array, q: Uint8Array): void;
  /** vec_dot over n elements: x in this type, y in vecDotType. */
  vecDot(n: number, x: Uint8Array, y: Uint8Array): number;
  /** ggml_vec_dot_<t>_<vec_dot_type>_generic, the portable kernel, where exported. */
  vecDotGeneric?(n: number, x: Uint8Array, y: Uint8Array): number;
}

export class CpuTraits {
  readonly #koffi: Koffi;
  readonly #cpu: SymbolTable;
  readonly #types: TypeTable;
  readonly #struct;
  readonly #vecDotProto;
  readonly #fromFloatProto;
  readonly #cache = new Map<number, CpuTypeTraits>();

  constructor(koffi: Koffi, cpu: SymbolTable, types: TypeTable) {
    this.#koffi = koffi;
    this.#cpu = cpu;
    this.#types = types;
    this.#struct = koffi.struct({
      from_float: 'void *',
      vec_dot: 'void *',
      vec_dot_type: 'int',
      nrows: 'int64_t',
    });
    this.#vecDotProto = koffi.proto(VEC_DOT.replace('%s', 'ggml_vec_dot_t'));
    this.#fromFloatProto = koffi.proto(FROM_FLOAT.replace('%s', 'ggml_from_float_t'));
  }

  get(type: number): CpuTypeTraits {
    const hit = this.#cache.get(type);
    if (hit) return hit;
    const info = this.#types.info(type);
    const ptr: unknown = this.#cpu.get('ggml_get_type_traits_cpu', 'const void *%s(int type)')(type);
    if (ptr === null)
      throw new QbenchError('native.traits', `ggml_get_type_traits_cpu(${info.name}) returned NULL`);
    const raw = this.#koffi.decode(ptr, this.#struct) as {
      from_float: unknown;
      vec_dot: unknown;
      vec_dot_type: number;
      nrows: number | bigint;
    };
    const koffi = this.#koffi;
    const types = this.#types;
    const vdt = raw.vec_dot_type;
    const out = new Float32Array(1);
    const dot =
      (fn: (...a: unknown[]) => unknown, name: string) => (n: number, x: Uint8Array, y: Uint8Array) => {
        checkLength(name, 'x', x.length, types.rowBytes(type, n));
        checkLength(name, 'y', y.length, types.rowBytes(vdt, n));
        out[0] = Number.NaN;
        fn(n, out, 0, x, 0, y, 0, 1);
        return out[0]!;
      };
    const fromFloatPtr = raw.from_float;
    const vecDotPtr = raw.vec_dot;
    const callVecDot = (...a: unknown[]) => koffi.call(vecDotPtr, this.#vecDotProto, ...a);
    const generic =
      vecDotPtr !== null
        ? this.#cpu.find(`ggml_vec_dot_${info.name}_${types.info(vdt).name}_generic`, VEC_DOT)
        : undefined;
    const traits: CpuTypeTraits = {
      type,
      vecDotType: vdt,
      nrows: Number(raw.nrows),
      hasFromFloat: fromFloatPtr !== null,
      hasVecDot: vecDotPtr !== null,
      fromFloat: (x, q) => {
        const name = `from_float(${info.name})`;
        if (fromFloatPtr === null)
          throw new QbenchError('native.traits', `ggml CPU ${info.name} has no from_float`);
        checkLength(name, 'output', q.length, types.rowBytes(type, x.length));
        koffi.call(fromFloatPtr, this.#fromFloatProto, x, q, x.length);
      },
      vecDot: (n, x, y) => {
        if (vecDotPtr === null)
          throw new QbenchError('native.traits', `ggml CPU ${info.name} has no vec_dot`);
        return dot(callVecDot, `vec_dot(${info.name})`)(n, x, y);
      },
      ...(generic ? { vecDotGeneric: dot(generic, `ggml_vec_dot_${info.name}_generic`) } : {}),
    };
    this.#cache.set(type, traits);
    return traits;
  }
}
