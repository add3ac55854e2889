/**
 * Model-level accuracy of a quantization format: load a local ONNX causal language model (a folder in the
 * layout transformers.js uses: config.json, tokenizer.json, onnx/model.onnx), replace every weight by its
 * quantize→dequantize image (quantize-weights.ts), run both models on an evaluation text with
 * onnxruntime-node, and compare their next-token distributions (kl-stats.ts).
 *
 * Nothing is downloaded: a folder that lacks a file is an error naming the file. The tokenizer is the
 * folder's tokenizer.json through transformers.js with remote models disabled; the project's own fixture
 * (config.json has a `qbench` entry) uses its ASCII tokenizer directly, which a test shows to be identical.
 * Limits: the whole model.onnx is read into memory (as onnxruntime needs it anyway); models whose weights
 * live in external data files (over 2 GiB) are refused; one sequence per call (no batching).
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type Format, QbenchError } from '@qbench/core';
import * as ort from 'onnxruntime-node';
import { encodeAscii } from './fixture/tokenizer.ts';
import {
  DistributionComparer,
  type DistributionComparison,
  type EvalWindow,
  evalWindows,
} from './kl-stats.ts';
import { type OnnxModel, parseOnnxModel, replaceInitializers } from './onnx/read.ts';
import { quantizeWeights, type WeightQuantization } from './quantize-weights.ts';

export interface LanguageModel {
  /** Folder name, or 'fixture' for the project's own model. */
  name: string;
  path: string;
  config: Readonly<Record<string, unknown>>;
  /** The bytes of onnx/model.onnx and their parse (payloads are views into the bytes). */
  bytes: Uint8Array;
  graph: OnnxModel;
  vocabSize: number;
  /** Longest window the evaluation uses. */
  context: number;
  tokenize(text: string): Promise<number[]>;
}

/** Windows longer than this cost quadratic attention time for little benefit at the sizes this suite runs. */
const MAX_EVAL_CONTEXT = 512;

async function readJson(path: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new QbenchError('model.config', `${path}: ${(e as Error).message}`, { file: path });
  }
}

const numberField = (c: Record<string, unknown>, ...keys: string[]): number | undefined => {
  for (const k of keys) if (typeof c[k] === 'number') return c[k] as number;
  return undefined;
};

export async function openLanguageModel(folder: string): Promise<LanguageModel> {
  const path = resolve(folder);
  const onnxPath = join(path, 'onnx', 'model.onnx');
  for (const f of ['config.json', 'tokenizer.json', join('onnx', 'model.onnx')]) {
    const ok = await stat(join(path, f)).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!ok) {
      throw new QbenchError(
        'model.missing',
        `${path}: no ${f} — qbench downloads nothing; point it at a local folder in the transformers.js layout (config.json, tokenizer.json, onnx/model.onnx)`,
        { folder: path, file: f },
      );
    }
  }
  const config = await readJson(join(path, 'config.json'));
  const bytes = new Uint8Array(await readFile(onnxPath));
  const graph = parseOnnxModel(bytes);
  const external = graph.initializers.filter((t) => t.external).map((t) => t.name);
  if (external.length > 0) {
    throw new QbenchError(
      'model.external_data',
      `${onnxPath}: ${external.length} initializers are stored as external data (e.g. ${external[0]}), which this runner does not read`,
    );
  }
  const vocabSize = numberField(config, 'vocab_size');
  if (!vocabSize) throw new QbenchError('model.config', `${path}/config.json: no vocab_size`);
  const maxPositions =
    numberField(config, 'n_positions', 'max_position_embeddings', 'n_ctx') ?? MAX_EVAL_CONTEXT;
  const isFixture = typeof config['qbench'] === 'object';
  let tokenize: (text: string) => Promise<number[]>;
  if (isFixture) tokenize = async (text) => encodeAscii(text);
  else {
    const tokenizer = await loadLocalTokenizer(path);
    tokenize = async (text) => tokenizer(text);
  }
  return {
    name: isFixture ? 'fixture' : basename(path),
    path,
    config,
    bytes,
    graph,
    vocabSize,
    context: Math.min(maxPositions, MAX_EVAL_CONTEXT),
    tokenize,
  };
}

/** A folder's tokenizer through transformers.js, local files only. */
export async function loadLocalTokenizer(path: string): Promise<(text: string) => number[]> {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // An absolute path is not a hub id, so transformers.js reads it as a folder (no localModelPath prefix).
  const tok = await AutoTokenizer.from_pretrained(resolve(path), { local_files_only: true });
  return (text) => Array.from(tok.encode(text, { add_special_tokens: false }));
}

/** One session, fed whatever a Hugging Face–exported decoder asks for, with an empty cache. */
export class LogitsSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly vocabSize: number,
  ) {}

  static async create(bytes: Uint8Array, vocabSize: number): Promise<LogitsSession> {
    // One thread: the suite runs beside other work, and a fixed thread count keeps results reproducible.
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
    });
    return new LogitsSession(session, vocabSize);
  }

  /** Logits [T, vocab] for one sequence. */
  async logits(tokens: readonly number[]): Promise<Float32Array> {
    const T = tokens.length;
    const feeds: Record<string, ort.Tensor> = {};
    for (const meta of this.session.inputMetadata) {
      const name = meta.name;
      if (name === 'input_ids')
        feeds[name] = new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, T]);
      else if (name === 'attention_mask')
        feeds[name] = new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]);
      else if (name === 'position_ids')
        feeds[name] = new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: T }, (_, i) => BigInt(i)),
          [1, T],
        );
      else if (name === 'use_cache_branch') feeds[name] = new ort.Tensor('bool', [false], [1]);
      else if (name === 'num_logits_to_keep') feeds[name] = new ort.Tensor('int64', [0n], []);
      else if (name.startsWith('past_key_values') && meta.isTensor) {
        // An empty cache: the batch dimension is 1, the past length (and any other symbolic dim) 0.
        const dims = meta.shape.map((d, i) => (typeof d === 'number' ? d : i === 0 ? 1 : 0));
        const type = meta.type === 'float16' ? 'float16' : 'float32';
        feeds[name] = new ort.Tensor(
          type,
          type === 'float16' ? new Uint16Array(0) : new Float32Array(0),
          dims,
        );
      } else
        throw new QbenchError(
          'model.inputs',
          `model input '${name}' is not one a causal LM runner knows how to feed`,
        );
    }
    const out = await this.session.run(feeds);
    const logits = out['logits'] ?? out[this.session.outputNames[0]!]!;
    if (logits.type !== 'float32')
      throw new QbenchError('model.outputs', `logits are ${logits.type}; only float32 logits are compared`);
    const data = logits.data as Float32Array;
    if (data.length !== T * this.vocabSize) {
      throw new QbenchError(
        'model.outputs',
        `logits hold ${data.length} values, expected ${T} × vocab ${this.vocabSize} (dims [${logits.dims}])`,
      );
    }
    return data;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/**
 * The unquantized model's logits on an evaluation text, computed once and compared against many formats.
 * Keeps the logits in memory when they fit `cacheBytes` (the fixture's do, easily); otherwise recomputes them
 * window by window for every comparison.
 */
export class BaselineRun {
  private cache: Float32Array[] | undefined;

  private constructor(
    readonly model: LanguageModel,
    readonly windows: EvalWindow[],
    private readonly session: LogitsSession,
  ) {}

  static async create(model: LanguageModel, text: string, cacheBytes = 256 * 2 ** 20): Promise<BaselineRun> {
    const windows = evalWindows(await model.tokenize(text), model.context);
    if (windows.length === 0)
      throw new QbenchError(
        'model.eval',
        `evaluation text of ${text.length} characters gives no scored positions at context ${model.context}`,
      );
    const run = new BaselineRun(model, windows, await LogitsSession.create(model.bytes, model.vocabSize));
    const bytes = windows.reduce((s, w) => s + w.input.length, 0) * model.vocabSize * 4;
    if (bytes <= cacheBytes) {
      run.cache = [];
      for (const w of windows) run.cache.push(await run.session.logits(w.input));
    }
    return run;
  }

  async logits(i: number): Promise<Float32Array> {
    return this.cache?.[i] ?? this.session.logits(this.windows[i]!.input);
  }

  /** Compares the model with `bytes` (the same graph, other weights) on the evaluation windows. */
  async compare(bytes: Uint8Array, signal?: AbortSignal): Promise<DistributionComparison> {
    const q = await LogitsSession.create(bytes, this.model.vocabSize);
    try {
      const cmp = new DistributionComparer(this.model.vocabSize);
      for (let i = 0; i < this.windows.length; i++) {
        signal?.throwIfAborted();
        const w = this.windows[i]!;
        const base = await this.logits(i);
        const quant = await q.logits(w.input);
        for (const s of w.scored) cmp.add(base, quant, s.row, s.target);
      }
      return cmp.result();
    } finally {
      await q.release();
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

export interface ModelAccuracy {
  comparison: DistributionComparison;
  weights: WeightQuantization;
}

/** Quantize every weight of the baseline's model with `format` and compare the two models. */
export async function measureModel(
  baseline: BaselineRun,
  format: Format,
  signal?: AbortSignal,
): Promise<ModelAccuracy> {
  const weights = quantizeWeights(baseline.model.graph, format);
  if (weights.quantized.length === 0) {
    throw new QbenchError(
      'model.no_weights',
      `${format.id}: no weight of ${baseline.model.name} could be quantized (${weights.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ') || 'no 2-D float weights found'})`,
    );
  }
  const bytes = replaceInitializers(baseline.model.bytes, weights.replacements);
  return { comparison: await baseline.compare(bytes, signal), weights };
}
