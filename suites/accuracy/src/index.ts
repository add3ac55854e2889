/**
 * The accuracy suite: how much accuracy each format costs per bit, at the tensor level (seeded sources
 * against the rate–distortion bound and Lloyd–Max), the layer level (y = W·x) and, where a model is
 * available, the model level (KL divergence of next-token distributions).
 */
import { listSpecs } from '@qbench/core';
import { METRIC, type ResultRecord, type Suite, type SuiteOptions, type WorkItem } from '@qbench/spec';
import { llamaCompareLevel, llamaFixtureLevel, llamaSweepLevel, runsOnLlama } from './model-engine.ts';
import { modelLevel } from './model-level.ts';
import { FULL_SIZES, layerLevel, QUICK_SIZES, tensorLevel, weightsLevel } from './tensor-suite.ts';

const LEVELS = {
  tensor: tensorLevel,
  layer: layerLevel,
} as const;

/**
 * What an item does: one level of one format, or llama.cpp's comparison of a user's base and quantized GGUF
 * files (about no registry format).
 */
export type AccuracyPlan =
  | { kind: keyof typeof LEVELS | 'weights' | 'model' | 'model-llama'; format: string }
  | { kind: 'compare' };

function formatsOf(options: SuiteOptions): string[] {
  const all = listSpecs().map((s) => s.id);
  return options.formats ? all.filter((id) => options.formats!.includes(id)) : all;
}

const suite: Suite<AccuracyPlan> = {
  name: 'accuracy',
  summary: 'bits/weight, MSE, SQNR vs the 6.02 dB/bit bound and Lloyd–Max, layer output error, model KL',
  async workItems(options) {
    const items: WorkItem<AccuracyPlan>[] = [];
    const model = options.inputs?.['model'];
    const ggufModel = model?.toLowerCase().endsWith('.gguf') === true;
    if (ggufModel && options.inputs?.['compare']) {
      // A user's base and quantized GGUF files: the one comparison asked for, run by llama.cpp (model-engine.ts).
      return [
        {
          id: 'accuracy/model-llama/compare',
          label: 'model llama.cpp compare',
          weight: 20,
          plan: { kind: 'compare' },
        },
      ];
    }
    for (const id of formatsOf(options)) {
      for (const level of Object.keys(LEVELS) as (keyof typeof LEVELS)[]) {
        items.push({
          id: `accuracy/${level}/${id}`,
          label: `${level} ${id}`,
          plan: { kind: level, format: id },
        });
      }
      if (options.inputs?.['weights'])
        items.push({
          id: `accuracy/weights/${id}`,
          label: `weights ${id}`,
          plan: { kind: 'weights', format: id },
        });
      // The fixture model, or the user's local model folder (inputs.model); see model-level.ts.
      if (!ggufModel)
        items.push({ id: `accuracy/model/${id}`, label: `model ${id}`, plan: { kind: 'model', format: id } });
      // On llama.cpp (model-engine.ts): the llama-architecture fixture next to the TypeScript figures, or a
      // user's GGUF base quantized by qbench to each gguf type (a sweep).
      if ((!model || ggufModel) && runsOnLlama(id))
        items.push({
          id: `accuracy/model-llama/${id}`,
          label: `model llama.cpp ${id}`,
          format: id,
          weight: ggufModel ? 20 : 3,
          plan: { kind: 'model-llama', format: id },
        });
    }
    return items;
  },
  async runItem({ plan }, options, ctx) {
    // the comparison's records name 'compare' as their format, the last segment of its id
    const format = plan.kind === 'compare' ? 'compare' : plan.format;
    const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
    const base = { suite: 'accuracy', format, kernel: `${format}/decode/reference`, backend: 'reference' };
    if (plan.kind === 'model-llama' || plan.kind === 'compare') {
      const log = { log: (m: string) => ctx.log(m) };
      const { model, compare, text } = options.inputs ?? {};
      const recs =
        plan.kind === 'compare' && model && compare
          ? await llamaCompareLevel(model, compare, text, log)
          : model
            ? await llamaSweepLevel(model, format, text, log)
            : await llamaFixtureLevel(format, log);
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    }
    if (plan.kind === 'model') {
      const { model, text } = options.inputs ?? {};
      const inputs = { ...(model ? { model } : {}), ...(text ? { text } : {}) };
      const recs = await modelLevel(format, inputs, { signal: ctx.signal, log: (m) => ctx.log(m) });
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    }
    try {
      const recs =
        plan.kind === 'weights'
          ? await weightsLevel(format, options.inputs!['weights']!, options.inputs?.['tensors'])
          : await LEVELS[plan.kind](format, sizes);
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    } catch (e) {
      return [
        {
          ...base,
          dataset: plan.kind,
          metric: METRIC.sqnrDb,
          value: null,
          unit: 'dB',
          error: (e as Error).message,
        },
      ];
    }
  },
};

export default suite;
export { measureLayer } from './layer.ts';
export { lloydMaxGaussian, lloydMaxSqnrDb, shannonBoundDb } from './lloyd-max.ts';
export { SOURCE_NAMES, sample } from './sources.ts';
export { measureTensor } from './tensor.ts';
