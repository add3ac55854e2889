/** ggml's dequantize_row_<t> (ggml-base): the decoders ggml_get_type_traits(t)->to_float point at. */
import { checkLength } from './buffers.ts';
import type { SymbolTable } from './symbols.ts';
import type { TypeTable } from './type-table.ts';

const PROTO = 'void %s(const void *x, void *y, int64_t k)';

/** The float storage types' to_float (ggml.c type_traits): row conversions with the same (x, y, k) signature. */
const TO_FLOAT: Readonly<Record<string, string>> = {
  f16: 'ggml_fp16_to_fp32_row',
  bf16: 'ggml_bf16_to_fp32_row',
};

export class Dequantizers {
  readonly #base: SymbolTable;
  readonly #types: TypeTable;

  constructor(base: SymbolTable, types: TypeTable) {
    this.#base = base;
    this.#types = types;
  }

  #name(type: number): string {
    const name = this.#types.info(type).name;
    return TO_FLOAT[name] ?? `dequantize_row_${name}`;
  }

  /** Whether ggml has a row decoder for this type (q8_1, for one, has none). */
  has(type: number): boolean {
    return this.#base.find(this.#name(type), PROTO) !== undefined;
  }

  /** dequantize_row_<t>(q, y, y.length): q must hold y.length elements' worth of blocks. */
  dequantizeRow(type: number, q: Uint8Array, y: Float32Array): void {
    const call = this.#name(type);
    checkLength(call, 'input', q.length, this.#types.rowBytes(type, y.length));
    this.#base.get(call, PROTO)(q, y, y.length);
  }
}
