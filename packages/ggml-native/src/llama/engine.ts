/**
 * llama.cpp in this process: libllama loaded after ggml's own libraries, one model and one context, logits
 * of a token window. Only the child process (worker.ts) uses this directly — a model llama.cpp crashes on
 * must end the child, not qbench — so nothing here guards against that.
 *
 * Loading: loadGgml() opens ggml-base and the best CPU variant (the same choice as the ggml oracle);
 * libggml (the backend registry libllama links against) then registers that very variant through
 * ggml_backend_load, so llama.cpp computes on the CPU code the oracle reports.
 *
 * The context: n_ctx = n_batch = n_ubatch = the window length, one sequence, 1 or 2 threads, K/V cache in
 * f32 and flash attention off — the defaults (f16 cache, flash attention on where available) would round
 * K and V to f16 and change the summation order, which is llama.cpp's choice for speed, not the model's math.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { QbenchError } from '@qbench/core';
import { loadKoffi } from '../koffi.ts';
import { loadGgml } from '../load.ts';
import {
  bindLlama,
  GGML_TYPE_F32,
  LLAMA_FLASH_ATTN_DISABLED,
  type LlamaApi,
  type LlamaContextParams,
  type LlamaModelParams,
} from './abi.ts';

const GGML_REGISTRY = /^(?:lib)?ggml(?:\.v[\d.]+)?\.(?:so|dylib|dll)$/;
const LLAMA_LIB = /^(?:lib)?llama(?:\.v[\d.]+)?\.(?:so|dylib|dll)$/;

export interface LoadedLlama {
  readonly api: LlamaApi;
  readonly tokenize: (vocab: unknown, text: Uint8Array, out: Int32Array, addSpecial: boolean) => number;
  readonly library: string;
  readonly cpuVariant: string;
  readonly ggmlCommit: string;
  readonly defaults: { model: LlamaModelParams; context: LlamaContextParams };
}

export type LlamaLoaded = { ok: true; llama: LoadedLlama } | { ok: false; reason: string };

let cached: LlamaLoaded | undefined;

function firstLine(e: unknown): string {
  return String(e instanceof Error ? e.message : e).split('\n')[0] ?? '';
}

/** libllama with the CPU backend registered, or why not. Loaded once per process. */
export function loadLlama(): LlamaLoaded {
  if (cached) return cached;
  const g = loadGgml();
  if (!g.ok) return (cached = g);
  const { koffi, install } = g.ggml;
  const files = readdirSync(install.binsDir);
  const registry = files.find((f) => GGML_REGISTRY.test(f));
  const library = files.find((f) => LLAMA_LIB.test(f));
  if (!registry || !library)
    return (cached = {
      ok: false,
      reason: `${install.packageName}@${install.packageVersion} ships no ${registry ? 'libllama' : 'libggml'} library`,
    });
  try {
    const reg = koffi.load(join(install.binsDir, registry));
    const loadBackend = reg.func('void *ggml_backend_load(const char *path)');
    if (!loadBackend(join(install.binsDir, g.ggml.cpuLibrary)))
      return (cached = { ok: false, reason: `ggml_backend_load refused ${g.ggml.cpuLibrary}` });
    const lib = koffi.load(join(install.binsDir, library));
    const api = bindLlama(koffi, lib);
    const tokenize = lib.func(
      'int32_t llama_tokenize(void *vocab, const uint8_t *text, int32_t text_len, _Out_ int32_t *tokens, int32_t n_tokens_max, bool add_special, bool parse_special)',
    );
    api.backendInit();
    cached = {
      ok: true,
      llama: {
        api,
        tokenize: (vocab, text, out, addSpecial) =>
          Number(tokenize(vocab, text, text.length, out, out.length, addSpecial, false)),
        library,
        cpuVariant: g.ggml.cpuLibrary,
        ggmlCommit: g.ggml.ggmlCommit,
        defaults: { model: api.modelDefaultParams(), context: api.contextDefaultParams() },
      },
    };
  } catch (e) {
    cached = { ok: false, reason: `${library} did not load: ${firstLine(e)}` };
  }
  return cached;
}

export interface SessionOptions {
  /** Longest window that will be evaluated (n_ctx, n_batch and n_ubatch). */
  nCtx: number;
  /** CPU threads for llama_decode (1 or 2 here: the machines this runs on are shared). */
  threads: number;
  /**
   * Let llama.cpp repack weights into its interleaved CPU layouts (use_extra_bufts, llama.cpp's default).
   * Off, matmuls run ggml's vec_dot on the blocks as stored, which is what a conformance check compares;
   * on, the numbers are those a user of llama.cpp gets.
   */
  repack: boolean;
}

/** One model and one context. */
export class LlamaSession {
  readonly nVocab: number;
  readonly nCtxTrain: number;
  readonly #l: LoadedLlama;
  #model: unknown;
  #ctx: unknown;
  readonly #vocab: unknown;
  readonly #nCtx: number;

  private constructor(l: LoadedLlama, model: unknown, ctx: unknown, nCtx: number) {
    this.#l = l;
    this.#model = model;
    this.#ctx = ctx;
    this.#nCtx = nCtx;
    this.#vocab = l.api.modelGetVocab(model);
    this.nVocab = l.api.vocabNTokens(this.#vocab);
    this.nCtxTrain = l.api.modelNCtxTrain(model);
  }

  /** Loads `path`; a file llama.cpp refuses is a QbenchError (llama.cpp's own reason is on stderr). */
  static open(l: LoadedLlama, path: string, o: SessionOptions): LlamaSession {
    const mp = l.api.modelDefaultParams();
    // bools[2] is use_extra_bufts (default true): off, the weights stay in the file's own block layout.
    if (!o.repack) mp.bools = mp.bools.map((b, i) => (i === 2 ? 0 : b));
    const model = l.api.modelLoadFromFile(path, mp);
    if (!model) throw new QbenchError('llama.load', `llama.cpp refused to load ${path}`, { file: path });
    const cp: LlamaContextParams = {
      ...l.api.contextDefaultParams(),
      n_ctx: o.nCtx,
      n_batch: o.nCtx,
      n_ubatch: o.nCtx,
      n_seq_max: 1,
      n_threads: o.threads,
      n_threads_batch: o.threads,
      type_k: GGML_TYPE_F32,
      type_v: GGML_TYPE_F32,
      flash_attn_type: LLAMA_FLASH_ATTN_DISABLED,
      no_perf: true,
    };
    const ctx = l.api.initFromModel(model, cp);
    if (!ctx) {
      l.api.modelFree(model);
      throw new QbenchError('llama.context', `llama_init_from_model failed for ${path}`, { file: path });
    }
    return new LlamaSession(l, model, ctx, o.nCtx);
  }

  /** The model's own tokenization of UTF-8 text (with the BOS/EOS it adds when `addSpecial`). */
  tokenize(text: string, addSpecial: boolean): Int32Array {
    const bytes = new TextEncoder().encode(text);
    let out = new Int32Array(bytes.length + 8);
    let n = this.#l.tokenize(this.#vocab, bytes, out, addSpecial);
    if (n < 0) {
      out = new Int32Array(-n);
      n = this.#l.tokenize(this.#vocab, bytes, out, addSpecial);
    }
    if (n < 0) throw new QbenchError('llama.tokenize', `llama_tokenize failed (${n})`);
    return out.subarray(0, n);
  }

  /**
   * Logits [T, n_vocab] of one window at positions 0..T−1, from an empty cache (each window is its own
   * sequence, as perplexity evaluates chunks).
   */
  logits(tokens: ArrayLike<number>): Float32Array {
    const T = tokens.length;
    if (T < 1 || T > this.#nCtx)
      throw new QbenchError(
        'llama.window',
        `a window of ${T} tokens does not fit the context of ${this.#nCtx}`,
      );
    const api = this.#l.api;
    api.memoryClear(api.getMemory(this.#ctx), true);
    const token = Int32Array.from(tokens);
    for (let i = 0; i < T; i++) {
      if (!(token[i]! >= 0 && token[i]! < this.nVocab))
        throw new QbenchError(
          'llama.window',
          `token ${token[i]} at ${i} is outside the vocabulary of ${this.nVocab}`,
        );
    }
    const pos = Int32Array.from({ length: T }, (_, i) => i);
    const rc = api.decode(this.#ctx, {
      n_tokens: T,
      token,
      embd: null,
      pos,
      n_seq_id: null,
      seq_id: null,
      logits: new Int8Array(T).fill(1),
    });
    if (rc !== 0) throw new QbenchError('llama.decode', `llama_decode returned ${rc}`, { code: rc });
    const V = this.nVocab;
    const out = new Float32Array(T * V);
    const koffi = loadKoffiSync();
    for (let i = 0; i < T; i++) {
      const p = api.getLogitsIth(this.#ctx, i);
      if (!p) throw new QbenchError('llama.decode', `llama_get_logits_ith(${i}) returned NULL`);
      out.set(koffi.decode(p, 'float', V) as Float32Array, i * V);
    }
    return out;
  }

  close(): void {
    if (this.#ctx) this.#l.api.free(this.#ctx);
    if (this.#model) this.#l.api.modelFree(this.#model);
    this.#ctx = null;
    this.#model = null;
  }
}

function loadKoffiSync() {
  const k = loadKoffi();
  if (!k.ok) throw new QbenchError('llama.koffi', k.reason);
  return k.koffi;
}
