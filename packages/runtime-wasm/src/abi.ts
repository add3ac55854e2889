/**
 * The host side of the qbench wasm kernel ABI (KERNEL-ABI.md), shared by qbench's own modules and by
 * external `.wasm` kernels that `qbench validate` loads:
 *   exports.memory                       the module's linear memory (exported, growable)
 *   exports.alloc(bytes) → ptr           a pointer to `bytes` free bytes (grows memory as needed)
 *   exports.reset?()                     frees everything alloc() returned
 *   decode(srcPtr, n, dstPtr)            n elements from the encoded blocks at srcPtr into n float32 at dstPtr
 *   dot(wPtr, yPtr, rows, n, dstPtr)     rows dot products of encoded rows (n elements each) with n float32
 * The host copies inputs in and outputs out, and surrounds every output with canary bytes: a kernel that
 * writes outside its output is reported (QbenchError 'kernel.out-of-bounds'), not trusted.
 */
import { QbenchError } from '@qbench/core';

/** Canary bytes on each side of every output buffer; a write into them is an out-of-bounds write. */
export const CANARY_BYTES = 256;
const CANARY = 0xa5;

type Fn = (...args: number[]) => number | undefined;

export interface AbiExports {
  memory: WebAssembly.Memory;
  alloc: (bytes: number) => number;
  reset?: () => void;
  [name: string]: unknown;
}

function isFn(v: unknown): v is Fn {
  return typeof v === 'function';
}

/** Check that an instance follows the ABI; the message names what is missing. */
export function checkAbi(exports: WebAssembly.Exports, where: string): AbiExports {
  const e = exports as Record<string, unknown>;
  if (!(e['memory'] instanceof WebAssembly.Memory)) {
    throw new QbenchError('kernel.abi', `${where}: does not export its memory as 'memory'`);
  }
  if (!isFn(e['alloc'])) throw new QbenchError('kernel.abi', `${where}: does not export alloc(bytes) → ptr`);
  return e as AbiExports;
}

export class AbiModule {
  readonly exports: AbiExports;
  readonly where: string;

  constructor(instance: WebAssembly.Instance, where: string) {
    this.exports = checkAbi(instance.exports, where);
    this.where = where;
  }

  fn(name: string): Fn {
    const f = this.exports[name];
    if (!isFn(f)) throw new QbenchError('kernel.abi', `${this.where}: no exported function '${name}'`);
    return f;
  }

  has(name: string): boolean {
    return isFn(this.exports[name]);
  }

  /** Views are recreated after every call: memory.grow detaches the old ArrayBuffer. */
  bytes(): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer);
  }

  reset(): void {
    this.exports.reset?.();
  }

  alloc(bytes: number): number {
    const ptr = this.exports.alloc(bytes) >>> 0;
    if (ptr === 0 || ptr + bytes > this.exports.memory.buffer.byteLength) {
      throw new QbenchError(
        'kernel.abi',
        `${this.where}: alloc(${bytes}) returned ${ptr}, outside memory of ${this.exports.memory.buffer.byteLength} bytes`,
      );
    }
    return ptr;
  }

  /** Copy bytes in; returns their pointer. */
  put(data: Uint8Array): number {
    const ptr = this.alloc(data.byteLength);
    this.bytes().set(data, ptr);
    return ptr;
  }

  /** Allocate an output of `bytes` between two canary zones; returns the pointer to the output proper. */
  guarded(bytes: number): number {
    const ptr = this.alloc(bytes + 2 * CANARY_BYTES);
    this.bytes().fill(CANARY, ptr, ptr + bytes + 2 * CANARY_BYTES);
    return ptr + CANARY_BYTES;
  }

  /** The first byte outside [ptr, ptr+bytes) that the kernel changed, relative to ptr, or undefined. */
  canaryHit(ptr: number, bytes: number): number | undefined {
    const mem = this.bytes();
    for (let i = ptr - CANARY_BYTES; i < ptr; i++) if (mem[i] !== CANARY) return i - ptr;
    for (let i = ptr + bytes; i < ptr + bytes + CANARY_BYTES; i++) if (mem[i] !== CANARY) return i - ptr;
    return undefined;
  }

  checkCanaries(ptr: number, bytes: number, what: string): void {
    const hit = this.canaryHit(ptr, bytes);
    if (hit !== undefined) {
      throw new QbenchError(
        'kernel.out-of-bounds',
        `${what} wrote outside its output: byte ${hit} relative to the output start (output is ${bytes} bytes)`,
        { offset: hit, outputBytes: bytes },
      );
    }
  }

  readF32(ptr: number, count: number, out?: Float32Array): Float32Array {
    const view = new Float32Array(this.exports.memory.buffer, ptr, count);
    if (out) {
      out.set(view);
      return out;
    }
    return view.slice();
  }
}

/** Instantiate a module that imports nothing but (optionally) `env.abort`, as AssemblyScript emits it. */
export async function instantiateAbi(bytes: Uint8Array, where: string): Promise<AbiModule> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw new QbenchError('kernel.abi', `${where}: not a valid WebAssembly module (${(e as Error).message})`);
  }
  const env: Record<string, unknown> = {
    abort(msg: number, file: number, line: number, col: number) {
      throw new QbenchError(
        'kernel.abort',
        `${where}: aborted at line ${line}:${col} (message ptr ${msg}, file ptr ${file})`,
      );
    },
  };
  const wanted = WebAssembly.Module.imports(module);
  for (const imp of wanted) {
    if (!(imp.module === 'env' && imp.name in env)) {
      throw new QbenchError(
        'kernel.abi',
        `${where}: imports ${imp.module}.${imp.name}; kernels may import only env.abort`,
      );
    }
  }
  const instance = await WebAssembly.instantiate(module, { env } as WebAssembly.Imports);
  return new AbiModule(instance, where);
}
