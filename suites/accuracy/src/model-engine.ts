/**
 * The model level on llama.cpp: the statistics of `perplexity --kl-divergence` computed from logits llama.cpp
 * produced, recorded next to qbench's TypeScript figures with the engine named in each record's details.
 *
 *   fixture (default): for every gguf-family weight format, the llama-architecture fixture in f32 against the
 *     same model with its matrices in that format, on its held-out text (dataset 'fixture-llama'). The
 *     TypeScript figures of the same model and text are records of backend 'reference', llama.cpp's of
 *     backend 'external'.
 *   a user's files (`--model base.gguf --compare quant.gguf [--text FILE]`): llama.cpp runs one file after
 *     the other over the text's perplexity windows (context 512 or the model's training context if shorter),
 *     one model in memory at a time. Without --compare, a sweep: the base (f32/f16/bf16 weights) quantized
 *     by qbench to each gguf weight format in turn, each compared so.
 *
 * Where the native package cannot load, every such item is a record with a null value and the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FORMAT_SPECS, imatrixDetails, type ResolvedSpec } from '@qbench/core';
import {
  compareWithLlama,
  type EngineComparison,
  engineWindows,
  FIXTURE_TEXT_PATH,
  ggufWeightFormats,
  llamaFixtureAccuracy,
  quantizeGgufFile,
} from '@qbench/models';
import { METRIC, type ResultRecord } from '@qbench/spec';

type Rec = Omit<ResultRecord, 'suite' | 'format' | 'kernel' | 'backend'> & {
  backend: string;
  kernel: string;
};

type Comparison = EngineComparison['comparison'];

/** imatrixDetails for a registry format id; an id outside the registry (the engine's own types) adds nothing. */
function imatrixDetailsOf(formatId: string): { imatrix?: string } {
  const spec = (FORMAT_SPECS as Readonly<Record<string, ResolvedSpec | undefined>>)[formatId];
  return spec ? imatrixDetails({ spec }) : {};
}

function records(
  dataset: string,
  kernel: string,
  backend: string,
  c: Comparison,
  details: Record<string, unknown>,
): Rec[] {
  const base = { dataset, kernel, backend };
  return [
    {
      ...base,
      metric: METRIC.klDivergence,
      value: c.meanKl,
      unit: 'nats',
      details: {
        ...details,
        positions: c.positions,
        kl_p50: c.klP50,
        kl_p99: c.klP99,
        kl_p999: c.klP999,
        kl_max: c.klMax,
        mean_delta_p: c.meanDeltaP,
      },
    },
    { ...base, metric: METRIC.top1Agreement, value: c.top1Agreement, unit: '' },
    { ...base, metric: METRIC.rmsDeltaP, value: c.rmsDeltaP, unit: '' },
    { ...base, metric: METRIC.perplexityQ, value: c.perplexityQ, unit: '' },
    { ...base, metric: METRIC.perplexityFp, value: c.perplexityBase, unit: '' },
  ];
}

/** Whether the fixture's llama.cpp item applies to a format (llama.cpp runs gguf types only). */
export function runsOnLlama(formatId: string): boolean {
  return ggufWeightFormats().includes(formatId);
}

const progressLog = (log: ((m: string) => void) | undefined, label: string) => {
  let last = -1;
  return (which: 'base' | 'quant', done: number, total: number) => {
    const pct = Math.floor((done / total) * 10);
    if (pct === last && done !== total) return;
    last = done === total ? -1 : pct;
    log?.(`${label}: llama.cpp ${which} ${done}/${total} windows`);
  };
};

export async function llamaFixtureLevel(
  formatId: string,
  ctx?: { log?: (message: string) => void },
): Promise<Rec[]> {
  const engineKernel = `${formatId}/model/llama.cpp`;
  const refKernel = `${formatId}/decode/reference`;
  const r = await llamaFixtureAccuracy(formatId, {
    onProgress: progressLog(ctx?.log, `model-llama ${formatId}`),
    ...(ctx?.log ? { log: ctx.log } : {}),
  });
  const common = {
    model: `qbench-tiny-llama-${r.key}`,
    eval_text: 'held-out slice of datasets/fixtures/tiny-lm/text.txt',
    windows: r.windows,
    // The importance matrix the suites' policy supplied to qbench's encoder (uniform where the format requires one).
    ...imatrixDetailsOf(formatId),
  };
  const ts = records('fixture-llama', refKernel, 'reference', r.ts, {
    ...common,
    engine: 'qbench TypeScript forward (float64, dequantized weights)',
  });
  if (!r.engine.ok)
    return [
      ...ts,
      {
        dataset: 'fixture-llama',
        kernel: engineKernel,
        backend: 'external',
        metric: METRIC.klDivergence,
        value: null,
        unit: 'nats',
        error: `llama.cpp ${r.engine.outcome}: ${r.engine.reason}`,
      },
    ];
  return [
    ...ts,
    ...records('fixture-llama', engineKernel, 'external', r.engine.comparison, {
      ...common,
      engine: r.engine.engine.name,
    }),
  ];
}

/**
 * `--model base.gguf [--text FILE]` without --compare: the base quantized by qbench to `formatId`
 * (every eligible weight matrix; gguf-quantize.ts) into a temporary file, then compared as below.
 */
export async function llamaSweepLevel(
  base: string,
  formatId: string,
  text: string | undefined,
  ctx?: { log?: (message: string) => void },
): Promise<Rec[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'qbench-sweep-'));
  try {
    const quant = join(tmp, `${basename(base, '.gguf')}-${formatId}.gguf`);
    ctx?.log?.(`quantizing ${basename(base)} to ${formatId}`);
    const q = await quantizeGgufFile(base, formatId, quant);
    const recs = await llamaCompareLevel(base, quant, text, ctx, `${formatId}/model/llama.cpp`);
    const kl = recs.find((r) => r.metric === METRIC.klDivergence);
    if (kl)
      kl.details = {
        ...kl.details,
        quantized_by: 'qbench',
        tensors_quantized: q.quantized.length,
        tensors_kept: q.kept,
      };
    return recs;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `--model base.gguf --compare quant.gguf [--text FILE]`: one comparison, both files run by llama.cpp. */
export async function llamaCompareLevel(
  base: string,
  quant: string,
  text: string | undefined,
  ctx?: { log?: (message: string) => void },
  kernelId?: string,
): Promise<Rec[]> {
  const dataset = `model:${basename(base)}`;
  const kernel = kernelId ?? `${basename(quant)}/model/llama.cpp`;
  const fail = (error: string): Rec[] => [
    { dataset, kernel, backend: 'external', metric: METRIC.klDivergence, value: null, unit: 'nats', error },
  ];
  const body = await readFile(text ?? FIXTURE_TEXT_PATH, 'utf8');
  const w = await engineWindows(base, quant, body, 512);
  if (!w.ok) return fail(`llama.cpp ${w.outcome} on ${basename(w.file)}: ${w.reason}`);
  const r = await compareWithLlama(base, quant, w.windows, {
    onProgress: progressLog(ctx?.log, basename(quant)),
  });
  if (!r.ok) return fail(`llama.cpp ${r.outcome} on ${basename(r.file)}: ${r.reason}`);
  return records(dataset, kernel, 'external', r.comparison, {
    engine: r.engine.name,
    base: basename(base),
    compare: basename(quant),
    eval_text: text ? basename(text) : 'datasets/fixtures/tiny-lm/text.txt',
    tokens: w.tokens,
    context: w.windows[0]?.input.length ?? 0,
  });
}
