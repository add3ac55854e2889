/**
 * What the parent (run.ts) and the llama.cpp child (worker.ts) exchange. The job goes in as a JSON file; the
 * child answers with JSON lines on stdout and writes logits, window after window, as raw little-endian
 * float32 [T, n_vocab] to the job's output file, so nothing the size of a vocabulary × text passes a pipe.
 */

export type LlamaJob =
  | {
      /** Only load libllama and report llama_model_default_params / llama_context_default_params. */
      kind: 'defaults';
    }
  | {
      kind: 'tokenize';
      model: string;
      text: string;
      /** Add the model's BOS (as llama.cpp's perplexity does). */
      addSpecial: boolean;
      /** Where the token ids go, as int32. */
      out: string;
    }
  | {
      kind: 'logits';
      model: string;
      windows: number[][];
      /** n_ctx of the context: at least the longest window. */
      nCtx: number;
      threads: number;
      /** Let llama.cpp repack weights for its CPU kernels (its default); see engine.ts. */
      repack: boolean;
      out: string;
    };

export type WorkerEvent =
  | {
      event: 'loaded';
      nVocab: number;
      nCtxTrain: number;
      library: string;
      cpuVariant: string;
      ggmlCommit: string;
    }
  | { event: 'defaults'; model: Record<string, unknown>; context: Record<string, unknown> }
  | { event: 'window'; done: number; total: number }
  | { event: 'tokens'; count: number }
  | { event: 'done' }
  | { event: 'error'; code: string; message: string };
