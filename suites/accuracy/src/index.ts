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

function formatsOf(options: SuiteOptions): string[] {
  const all = listSpecs().map((s) => s.id);
  return options.formats ? all.filter((id) => options.formats!.includes(id)) : all;
}

const suite: Suite = {
  name: 'accuracy',
  summary: 'bits/weight, MSE, SQNR vs the 6.02 dB/bit bound and Lloyd–Max, layer output error, model KL',
  async workItems(options) {
    const items: WorkItem[] = [];
    const model = options.inputs?.['model'];
    const ggufModel = model?.toLowerCase().endsWith('.gguf') === true;
    if (ggufModel && options.inputs?.['compare']) {
      // A user's base and quantized GGUF files: the one comparison asked for, run by llama.cpp (model-engine.ts).
      return [{ id: 'accuracy/model-llama/compare', label: 'model llama.cpp compare', weight: 20 }];
    }
    for (const id of formatsOf(options)) {
      for (const level of Object.keys(LEVELS) as (keyof typeof LEVELS)[]) {
        items.push({ id: `accuracy/${level}/${id}`, label: `${level} ${id}` });
      }
      if (options.inputs?.['weights']) items.push({ id: `accuracy/weights/${id}`, label: `weights ${id}` });
      // The fixture model, or the user's local model folder (inputs.model); see model-level.ts.
      if (!ggufModel) items.push({ id: `accuracy/model/${id}`, label: `model ${id}` });
      // On llama.cpp (model-engine.ts): the llama-architecture fixture next to the TypeScript figures, or a
      // user's GGUF base quantized by qbench to each gguf type (a sweep).
      if ((!model || ggufModel) && runsOnLlama(id))
        items.push({
          id: `accuracy/model-llama/${id}`,
          label: `model llama.cpp ${id}`,
          format: id,
          weight: ggufModel ? 20 : 3,
        });
    }
    return items;
  },
  async runItem(item, options, ctx) {
    const [, level, format] = item.id.split('/') as [
      string,
      keyof typeof LEVELS | 'weights' | 'model' | 'model-llama',
      string,
    ];
    const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
    const base = { suite: 'accuracy', format, kernel: `${format}/decode/reference`, backend: 'reference' };
    if (level === 'model-llama') {
      const log = { log: (m: string) => ctx.log(m) };
      const { model, compare, text } = options.inputs ?? {};
      const recs =
        format === 'compare' && model && compare
          ? await llamaCompareLevel(model, compare, text, log)
          : model
            ? await llamaSweepLevel(model, format, text, log)
            : await llamaFixtureLevel(format, log);
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    }
    if (level === 'model') {
      const { model, text } = options.inputs ?? {};
      const inputs = { ...(model ? { model } : {}), ...(text ? { text } : {}) };
      const recs = await modelLevel(format, inputs, { signal: ctx.signal, log: (m) => ctx.log(m) });
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    }
    try {
      const recs =
        level === 'weights'
          ? await weightsLevel(format, options.inputs!['weights']!, options.inputs?.['tensors'])
          : await LEVELS[level](format, sizes);
      return recs.map((r): ResultRecord => ({ ...base, ...r }));
    } catch (e) {
      return [
        {
          ...base,
          dataset: level,
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
