/**
 * ggml's own GGUF writer (gguf_init_empty, gguf_set_val_*, gguf_add_tensor, gguf_set_tensor_data,
 * gguf_write_to_file): files exactly as ggml writes them, to check that `qbench scan` reads what ggml
 * produces. Tensor infos come from a no_alloc ggml context (ggml_new_tensor + ggml_set_name); tensor bytes
 * are copied into C memory that stays alive until the write, since gguf_set_tensor_data keeps the pointer.
 */
import { QbenchError } from '@qbench/core';
import type { Koffi } from './koffi.ts';
import type { SymbolTable } from './symbols.ts';

export type GgufWriteValue = { type: 'str'; value: string } | { type: 'u32'; value: number };

export interface GgufWriteTensorSpec {
  readonly name: string;
  /** ggml type id. */
  readonly type: number;
  /** ne, innermost first. */
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

export class GgufWriter {
  static #registered = false;
  readonly #koffi: Koffi;
  readonly #base: SymbolTable;

  constructor(koffi: Koffi, base: SymbolTable) {
    this.#koffi = koffi;
    this.#base = base;
    // The by-value parameter struct of ggml_init, under its C name for the prototype below.
    if (!GgufWriter.#registered)
      koffi.struct('ggml_init_params', { mem_size: 'size_t', mem_buffer: 'void *', no_alloc: 'bool' });
    GgufWriter.#registered = true;
  }

  /** Writes `path` with ggml's writer; throws a QbenchError when ggml reports failure. */
  write(
    path: string,
    kv: ReadonlyArray<readonly [string, GgufWriteValue]>,
    tensors: readonly GgufWriteTensorSpec[],
  ): void {
    const b = this.#base;
    const k = this.#koffi;
    const overhead = Number(b.get('ggml_tensor_overhead', 'size_t %s(void)')());
    const ctx: unknown = b.get(
      'ggml_init',
      'void *%s(ggml_init_params params)',
    )({
      mem_size: overhead * (tensors.length + 1),
      mem_buffer: null,
      no_alloc: true,
    });
    if (ctx === null) throw new QbenchError('native.gguf-write', 'ggml_init returned NULL');
    const gctx: unknown = b.get('gguf_init_empty', 'void *%s(void)')();
    const buffers: unknown[] = [];
    try {
      for (const [key, v] of kv) {
        if (v.type === 'str')
          b.get('gguf_set_val_str', 'void %s(void *ctx, const char *key, const char *val)')(
            gctx,
            key,
            v.value,
          );
        else
          b.get('gguf_set_val_u32', 'void %s(void *ctx, const char *key, uint32_t val)')(gctx, key, v.value);
      }
      const newTensor = b.get(
        'ggml_new_tensor',
        'void *%s(void *ctx, int type, int n_dims, const int64_t *ne)',
      );
      const setName = b.get('ggml_set_name', 'void *%s(void *tensor, const char *name)');
      const addTensor = b.get('gguf_add_tensor', 'void %s(void *ctx, const void *tensor)');
      const setData = b.get('gguf_set_tensor_data', 'void %s(void *ctx, const char *name, const void *data)');
      for (const t of tensors) {
        const tensor: unknown = newTensor(
          ctx,
          t.type,
          t.dims.length,
          t.dims.map((d) => BigInt(d)),
        );
        if (tensor === null)
          throw new QbenchError('native.gguf-write', `ggml_new_tensor failed for '${t.name}'`);
        setName(tensor, t.name);
        addTensor(gctx, tensor);
        const mem: unknown = k.alloc('uint8_t', Math.max(1, t.data.length));
        buffers.push(mem);
        k.encode(mem, 'uint8_t', Array.from(t.data), t.data.length);
        setData(gctx, t.name, mem);
      }
      const ok = b.get('gguf_write_to_file', 'bool %s(const void *ctx, const char *fname, bool only_meta)')(
        gctx,
        path,
        false,
      );
      if (!ok)
        throw new QbenchError('native.gguf-write', `gguf_write_to_file failed for ${path}`, { file: path });
    } finally {
      b.get('gguf_free', 'void %s(void *ctx)')(gctx);
      b.get('ggml_free', 'void %s(void *ctx)')(ctx);
      for (const m of buffers) k.free(m);
    }
  }
}
