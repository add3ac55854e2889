/**
 * ggml's quantizers: `quantize_row_<t>_ref` (the deterministic reference, ggml_type_traits.from_float_ref)
 * and `ggml_quantize_chunk` (what llama-quantize runs: with or without an importance matrix, calling
 * ggml_quantize_init itself). Buffers are checked before the call.
 */
import { checkLength } from './buffers.ts';
import type { SymbolTable } from './symbols.ts';
import type { TypeTable } from './type-table.ts';

/**
 * The float storage types have no quantize_row_<t>_ref: their type_traits.from_float_ref are these row
 * conversions (ggml.c), with the same (x, y, k) signature.
 */
const FROM_FLOAT_REF: Readonly<Record<string, string>> = {
  f16: 'ggml_fp32_to_fp16_row',
  bf16: 'ggml_fp32_to_bf16_row_ref',
};

export class Quantizers {
  readonly #base: SymbolTable;
  readonly #types: TypeTable;

  constructor(base: SymbolTable, types: TypeTable) {
    this.#base = base;
    this.#types = types;
  }

  /** Whether ggml-base exports quantize_row_<t>_ref for this type. */
  hasRef(type: number): boolean {
    return this.#refSymbol(type) !== undefined;
  }

  #refName(type: number): string {
    const name = this.#types.info(type).name;
    return FROM_FLOAT_REF[name] ?? `quantize_row_${name}_ref`;
  }

  #refSymbol(type: number) {
    return this.#base.find(this.#refName(type), 'void %s(const void *x, void *y, int64_t k)');
  }

  /** quantize_row_<t>_ref(x, q, x.length): x.length must be whole blocks; q receives the row's bytes. */
  quantizeRowRef(type: number, x: Float32Array, q: Uint8Array): void {
    const call = this.#refName(type);
    checkLength(call, 'output', q.length, this.#types.rowBytes(type, x.length));
    const f = this.#base.get(call, 'void %s(const void *x, void *y, int64_t k)');
    f(x, q, x.length);
  }

  requiresImatrix(type: number): boolean {
    return Boolean(this.#base.get('ggml_quantize_requires_imatrix', 'bool %s(int type)')(type));
  }

  /** ggml_quantize_init(type): builds the grids some i-quants need; ggml_quantize_chunk also calls it. */
  init(type: number): void {
    this.#base.get('ggml_quantize_init', 'void %s(int type)')(type);
  }

  /**
   * ggml_quantize_chunk(type, x, q, 0, nrows, nPerRow, imatrix): nrows rows of nPerRow values; imatrix,
   * when given, has one weight per column. Returns the bytes written.
   */
  quantizeChunk(
    type: number,
    x: Float32Array,
    q: Uint8Array,
    nPerRow: number,
    imatrix?: Float32Array,
  ): number {
    const call = `ggml_quantize_chunk(${this.#types.info(type).name})`;
    const rowBytes = this.#types.rowBytes(type, nPerRow);
    const nrows = nPerRow === 0 ? 0 : Math.floor(x.length / nPerRow);
    checkLength(call, 'input', x.length, nrows * nPerRow);
    checkLength(call, 'output', q.length, nrows * rowBytes);
    if (imatrix) checkLength(call, 'imatrix', imatrix.length, nPerRow);
    const f = this.#base.get(
      'ggml_quantize_chunk',
      'size_t %s(int type, const void *src, void *dst, int64_t start, int64_t nrows, int64_t n_per_row, const void *imatrix)',
    );
    return Number(f(type, x, q, 0, nrows, nPerRow, imatrix ?? null));
  }
}
