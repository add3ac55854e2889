/**
 * ggml_mul_mat on the CPU backend with one thread: a rows × n weight matrix of type t times one activation
 * column already quantized to t's vec_dot_type, the matvec llama.cpp runs for one token. The operands live in
 * a ggml context of their own (ggml's memory, so no pointer of ours is kept by C); run() is one
 * ggml_graph_compute_with_ctx call, so koffi's per-call cost (~0.2 µs) enters once per product, not once per
 * row. With src1 already in vec_dot_type, ggml_graph_plan asks for no work buffer and mul_mat reads src1 as
 * is (the activation's quantization is not part of the product: callers time it on its own).
 */
import { QbenchError } from '@qbench/core';
import type { Koffi } from './koffi.ts';
import type { SymbolTable } from './symbols.ts';
import type { TypeTable } from './type-table.ts';

export interface StagedMatVec {
  /** One graph compute: rows dot products. */
  run(): void;
  /** The rows results of the last run(), copied out. */
  result(): Float32Array;
  /** Frees the ggml context (and its tensors); the staged product is unusable afterwards. */
  dispose(): void;
}

let paramsRegistered = false;

export class MatMul {
  readonly #koffi: Koffi;
  readonly #base: SymbolTable;
  readonly #cpu: SymbolTable;
  readonly #types: TypeTable;

  constructor(koffi: Koffi, base: SymbolTable, cpu: SymbolTable, types: TypeTable) {
    this.#koffi = koffi;
    this.#base = base;
    this.#cpu = cpu;
    this.#types = types;
    // koffi registers struct names process-wide: once, however many bindings are built
    if (!paramsRegistered)
      koffi.struct('qbench_ggml_init_params', { mem_size: 'size_t', mem_buffer: 'void *', no_alloc: 'bool' });
    paramsRegistered = true;
  }

  /**
   * Stages W (rows × n of `type`) and yq (n elements of the type's vec_dot_type) in a fresh context and
   * builds the graph of ggml_mul_mat(W, yq). Sizes are checked here, before ggml sees them: a wrong size
   * would be a GGML_ASSERT (abort) or an out-of-bounds read inside the library.
   */
  stage(
    type: number,
    vecDotType: number,
    w: Uint8Array,
    n: number,
    rows: number,
    yq: Uint8Array,
  ): StagedMatVec {
    const wBytes = this.#types.rowBytes(type, n) * rows;
    const yBytes = this.#types.rowBytes(vecDotType, n);
    if (w.byteLength !== wBytes || yq.byteLength !== yBytes)
      throw new QbenchError(
        'native.buffer',
        `ggml_mul_mat(${this.#types.info(type).name}): ${rows} rows of ${n} need ${wBytes} + ${yBytes} bytes, got ${w.byteLength} + ${yq.byteLength}`,
      );
    const b = this.#base;
    const tensorOverhead = Number(b.get('ggml_tensor_overhead', 'size_t %s(void)')());
    const graphOverhead = Number(b.get('ggml_graph_overhead', 'size_t %s(void)')());
    // three tensors with data and their headers, one graph, and slack for ggml's per-object alignment and
    // headers: running short is a GGML_ASSERT, which aborts the process, so err on the large side
    const memSize = wBytes + yBytes + 4 * rows + 4 * tensorOverhead + graphOverhead + (1 << 20);
    const init = b.get('ggml_init', 'void *%s(qbench_ggml_init_params params)');
    const ctx: unknown = init({ mem_size: memSize, mem_buffer: null, no_alloc: false });
    if (ctx === null) throw new QbenchError('native.alloc', `ggml_init(${memSize} bytes) returned NULL`);
    const free = b.get('ggml_free', 'void %s(void *ctx)');
    let live = true;
    try {
      const tensor2d = b.get('ggml_new_tensor_2d', 'void *%s(void *ctx, int type, int64_t ne0, int64_t ne1)');
      const data = b.get('ggml_get_data', 'void *%s(const void *tensor)');
      const a = tensor2d(ctx, type, n, rows);
      const y = tensor2d(ctx, vecDotType, n, 1);
      const out = b.get('ggml_mul_mat', 'void *%s(void *ctx, void *a, void *b)')(ctx, a, y);
      const graph = b.get('ggml_new_graph', 'void *%s(void *ctx)')(ctx);
      b.get('ggml_build_forward_expand', 'void %s(void *graph, void *tensor)')(graph, out);
      new Uint8Array(this.#koffi.view(data(a), wBytes)).set(w);
      new Uint8Array(this.#koffi.view(data(y), yBytes)).set(yq);
      const outView = new Float32Array(this.#koffi.view(data(out), 4 * rows));
      const compute = this.#cpu.get(
        'ggml_graph_compute_with_ctx',
        'int %s(void *ctx, void *graph, int n_threads)',
      );
      const name = this.#types.info(type).name;
      return {
        run() {
          if (!live) throw new QbenchError('native.disposed', `ggml_mul_mat(${name}): already disposed`);
          const status = Number(compute(ctx, graph, 1));
          if (status !== 0)
            throw new QbenchError(
              'native.compute',
              `ggml_graph_compute(mul_mat ${name}) returned status ${status}`,
            );
        },
        result() {
          if (!live) throw new QbenchError('native.disposed', `ggml_mul_mat(${name}): already disposed`);
          return outView.slice();
        },
        dispose() {
          if (live) free(ctx);
          live = false;
        },
      };
    } catch (e) {
      free(ctx);
      live = false;
      throw e;
    }
  }
}
