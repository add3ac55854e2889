/**
 * The model level: what a format costs a whole language model. Every weight of the model is replaced by its
 * quantize→dequantize image and the quantized model's next-token distributions are compared with the
 * unquantized model's on a text — llama.cpp's `perplexity --kl-divergence` statistics (mean KL, same top-1,
 * RMS Δp, both perplexities).
 *
 * The model is the project's own fixture (dataset 'fixture': a tiny transformer trained in-project, evaluated on
 * a held-out slice of its text), or a user's local folder (`inputs.model`, dataset 'model:<folder name>'),
 * evaluated on `inputs.text` or the project's shipped text. Nothing is downloaded. The unquantized run is made
 * once per process and shared by every format.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { loadFormat } from '@qbench/core';
import {
  BaselineRun,
  ensureFixture,
  FIXTURE_TEXT_PATH,
  measureModel,
  openLanguageModel,
} from '@qbench/models';
import { METRIC, type ResultRecord } from '@qbench/spec';

type Rec = Omit<ResultRecord, 'suite' | 'format' | 'kernel' | 'backend'>;

export interface ModelInputs {
  /** A local model folder (config.json, tokenizer.json, onnx/model.onnx); the fixture when absent. */
  model?: string;
  /** A UTF-8 text file to evaluate on (user models only; the fixture always uses its held-out slice). */
  text?: string;
}

const baselines = new Map<string, Promise<BaselineRun>>();

function baselineFor(inputs: ModelInputs, log?: (message: string) => void): Promise<BaselineRun> {
  const key = `${inputs.model ?? '<fixture>'}\0${inputs.text ?? ''}`;
  let b = baselines.get(key);
  if (!b) {
    b = (async () => {
      if (!inputs.model) {
        const dir = await ensureFixture(log ? { log } : {});
        return BaselineRun.create(
          await openLanguageModel(dir),
          await readFile(join(dir, 'eval.txt'), 'utf8'),
        );
      }
      const lm = await openLanguageModel(inputs.model);
      return BaselineRun.create(lm, await readFile(inputs.text ?? FIXTURE_TEXT_PATH, 'utf8'));
    })();
    // A failed load is not cached: the next item retries (and reports) it.
    b.catch(() => baselines.delete(key));
    baselines.set(key, b);
  }
  return b;
}

export async function modelLevel(
  formatId: string,
  inputs: ModelInputs,
  ctx?: { signal?: AbortSignal; log?: (message: string) => void },
): Promise<Rec[]> {
  const signal = ctx?.signal;
  const fallbackDataset = inputs.model ? `model:${inputs.model}` : 'fixture';
  let baseline: BaselineRun;
  try {
    baseline = await baselineFor(inputs, ctx?.log);
  } catch (e) {
    return [
      {
        dataset: fallbackDataset,
        metric: METRIC.klDivergence,
        value: null,
        unit: 'nats',
        error: (e as Error).message,
      },
    ];
  }
  const dataset = inputs.model ? `model:${baseline.model.name}` : 'fixture';
  try {
    const { comparison: c, weights: w } = await measureModel(baseline, await loadFormat(formatId), signal);
    const qbench = baseline.model.config['qbench'] as { key?: string } | undefined;
    const details = {
      // What was measured: the fixture's cache key pins its configuration, text and code.
      // Names, not paths: results are shared, the user's directory layout is not.
      // The engine that ran both models (packages/models runner.ts), so a reader knows whose numbers these are.
      engine: 'onnxruntime-node (CPU, 1 thread)',
      model: qbench?.key ? `qbench-tiny-lm-${qbench.key}` : baseline.model.name,
      eval_text: !inputs.model
        ? 'held-out slice of datasets/fixtures/tiny-lm/text.txt'
        : inputs.text
          ? basename(inputs.text)
          : 'datasets/fixtures/tiny-lm/text.txt',
      positions: c.positions,
      context: baseline.model.context,
      kl_p50: c.klP50,
      kl_p99: c.klP99,
      kl_max: c.klMax,
      mean_delta_p: c.meanDeltaP,
      weight_bits_per_weight: w.bitsPerWeight,
      weight_elements: w.elements,
      tensors_quantized: w.quantized.length,
      tensors_flattened: w.quantized.filter((t) => t.flattened).map((t) => t.name),
      tensors_skipped: w.skipped,
      // The importance matrix the suites' policy supplied (uniform where the format requires one).
      ...(w.quantized.find((t) => t.imatrix) ? { imatrix: w.quantized.find((t) => t.imatrix)!.imatrix } : {}),
    };
    return [
      { dataset, metric: METRIC.klDivergence, value: c.meanKl, unit: 'nats', details },
      { dataset, metric: METRIC.top1Agreement, value: c.top1Agreement, unit: '' },
      { dataset, metric: METRIC.rmsDeltaP, value: c.rmsDeltaP, unit: '' },
      { dataset, metric: METRIC.perplexityQ, value: c.perplexityQ, unit: '' },
      { dataset, metric: METRIC.perplexityFp, value: c.perplexityBase, unit: '' },
    ];
  } catch (e) {
    if (signal?.aborted) throw e;
    return [{ dataset, metric: METRIC.klDivergence, value: null, unit: 'nats', error: (e as Error).message }];
  }
}
