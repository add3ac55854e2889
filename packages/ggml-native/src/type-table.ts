/**
 * ggml's own type table (ggml_type_name, ggml_blck_size, ggml_type_size, ggml_is_quantized) for the type
 * ids callers name. ggml exports no type count, and reading an id past the end of its table is undefined
 * behaviour, so ids come from qbench's specs (params.ggmlTypeId) and the range is checked against
 * GGML_TYPE_COUNT of the supported ggml, never probed. The count is gguf-file's (its type table is the one
 * source of ggml's type facts); ids at or above it are rejected before any call.
 */
import { QbenchError } from '@qbench/core';
import { GGML_TYPE_COUNT } from '@qbench/gguf-file';
import type { SymbolTable } from './symbols.ts';

export interface GgmlTypeInfo {
  readonly id: number;
  /** ggml's spelling, e.g. q4_K (qbench spec ids are its lower case). */
  readonly name: string;
  readonly blockSize: number;
  readonly typeSize: number;
  readonly isQuantized: boolean;
}

export class TypeTable {
  readonly #base: SymbolTable;
  readonly #cache = new Map<number, GgmlTypeInfo>();

  constructor(base: SymbolTable) {
    this.#base = base;
  }

  info(id: number): GgmlTypeInfo {
    const hit = this.#cache.get(id);
    if (hit) return hit;
    if (!Number.isInteger(id) || id < 0 || id >= GGML_TYPE_COUNT)
      throw new QbenchError('native.type', `ggml type id ${id} is outside 0..${GGML_TYPE_COUNT - 1}`, {
        expected: `0..${GGML_TYPE_COUNT - 1}`,
        got: id,
      });
    const name = String(this.#base.get('ggml_type_name', 'const char *%s(int type)')(id));
    const blockSize = Number(this.#base.get('ggml_blck_size', 'int64_t %s(int type)')(id));
    const typeSize = Number(this.#base.get('ggml_type_size', 'size_t %s(int type)')(id));
    const isQuantized = Boolean(this.#base.get('ggml_is_quantized', 'bool %s(int type)')(id));
    const info: GgmlTypeInfo = { id, name, blockSize, typeSize, isQuantized };
    this.#cache.set(id, info);
    return info;
  }

  /** The row size in bytes of `n` elements; `n` must be a whole number of blocks. */
  rowBytes(id: number, n: number): number {
    const t = this.info(id);
    if (t.blockSize <= 0 || !Number.isInteger(n) || n < 0 || n % t.blockSize !== 0)
      throw new QbenchError(
        'native.length',
        `ggml ${t.name}: ${n} elements is not a whole number of ${t.blockSize}-element blocks`,
        { type: t.name, expected: `multiple of ${t.blockSize}`, got: n },
      );
    return (n / t.blockSize) * t.typeSize;
  }
}
