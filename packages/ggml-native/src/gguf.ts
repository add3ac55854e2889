/**
 * ggml's own GGUF reader (gguf_init_from_file with no_alloc and no ggml context): what ggml accepts and
 * how it reads header, KV keys and tensor infos. For comparing `qbench scan` with ggml; ggml returns NULL
 * (and logs to stderr) for a file it rejects, which is a verdict here, not an error.
 */
import type { Koffi } from './koffi.ts';
import type { SymbolTable } from './symbols.ts';

export interface GgufTensorView {
  readonly name: string;
  readonly type: number;
  /** Offset relative to the data section, as ggml reports it. */
  readonly offset: number;
  readonly sizeBytes: number;
}

export type GgufView =
  | {
      readonly accepted: true;
      readonly version: number;
      readonly alignment: number;
      readonly dataOffset: number;
      readonly keys: readonly string[];
      readonly tensors: readonly GgufTensorView[];
    }
  | { readonly accepted: false };

export class GgufReader {
  static #registered = false;
  readonly #base: SymbolTable;
  constructor(koffi: Koffi, base: SymbolTable) {
    this.#base = base;
    // Registers the by-value parameter struct under its C name, which the prototype below refers to.
    if (!GgufReader.#registered) koffi.struct('gguf_init_params', { no_alloc: 'bool', ctx: 'void *' });
    GgufReader.#registered = true;
  }

  read(path: string): GgufView {
    const b = this.#base;
    const init = b.get('gguf_init_from_file', 'void *%s(const char *fname, gguf_init_params params)');
    const ctx: unknown = init(path, { no_alloc: true, ctx: null });
    if (ctx === null) return { accepted: false };
    try {
      const i64 = (name: string) => b.get(name, 'int64_t %s(const void *ctx)');
      const sz = (name: string) => b.get(name, 'size_t %s(const void *ctx)');
      const nKv = Number(i64('gguf_get_n_kv')(ctx));
      const nTensors = Number(i64('gguf_get_n_tensors')(ctx));
      const key = b.get('gguf_get_key', 'const char *%s(const void *ctx, int64_t id)');
      const tName = b.get('gguf_get_tensor_name', 'const char *%s(const void *ctx, int64_t id)');
      const tType = b.get('gguf_get_tensor_type', 'int %s(const void *ctx, int64_t id)');
      const tOffset = b.get('gguf_get_tensor_offset', 'size_t %s(const void *ctx, int64_t id)');
      const tSize = b.get('gguf_get_tensor_size', 'size_t %s(const void *ctx, int64_t id)');
      return {
        accepted: true,
        version: Number(b.get('gguf_get_version', 'uint32_t %s(const void *ctx)')(ctx)),
        alignment: Number(sz('gguf_get_alignment')(ctx)),
        dataOffset: Number(sz('gguf_get_data_offset')(ctx)),
        keys: Array.from({ length: nKv }, (_, i) => String(key(ctx, i))),
        tensors: Array.from({ length: nTensors }, (_, i) => ({
          name: String(tName(ctx, i)),
          type: Number(tType(ctx, i)),
          offset: Number(tOffset(ctx, i)),
          sizeBytes: Number(tSize(ctx, i)),
        })),
      };
    } finally {
      b.get('gguf_free', 'void %s(void *ctx)')(ctx);
    }
  }
}
