/** Work items of the tensor and layer levels: one item per format and level, every source inside it. */
import { loadFormat } from '@qbench/core';
import { METRIC, type MetricName, type ResultRecord } from '@qbench/spec';
import { measureLayer } from './layer.ts';
import { SOURCE_NAMES, type SourceName, sample } from './sources.ts';
import { measureTensor } from './tensor.ts';
import { openWeights } from './weights.ts';

export interface Sizes {
  /** Elements per tensor-level sample. */
  tensorElements: number;
  /** Row length; a multiple of every block size in use (4096 covers bnb's largest block). */
  cols: number;
  layerRows: number;
  layerBatch: number;
}

export const FULL_SIZES: Sizes = { tensorElements: 1 << 18, cols: 4096, layerRows: 128, layerBatch: 16 };
export const QUICK_SIZES: Sizes = { tensorElements: 4096 * 4, cols: 4096, layerRows: 8, layerBatch: 4 };

/** Seeds are fixed per source so every format sees the same tensors. */
const seedOf = (s: SourceName) => 1 + SOURCE_NAMES.indexOf(s);

type Rec = Omit<ResultRecord, 'suite' | 'format' | 'kernel' | 'backend'>;

export async function tensorLevel(formatId: string, sizes: Sizes): Promise<Rec[]> {
  const format = await loadFormat(formatId);
  const out: Rec[] = [];
  for (const source of SOURCE_NAMES) {
    const x = sample(source, sizes.tensorElements, sizes.cols, seedOf(source));
    try {
      const m = measureTensor(format, x, sizes.cols);
      const details = m.imatrix ? { details: { imatrix: m.imatrix } } : {};
      const rec = (metric: MetricName, value: number, unit: string) =>
        out.push({ dataset: source, metric, value, unit, ...details });
      rec(METRIC.bitsPerWeight, m.bitsPerWeight, 'bit');
      rec(METRIC.mse, m.mse, '');
      rec(METRIC.sqnrDb, m.sqnrDb, 'dB');
      rec(METRIC.maxAbsError, m.maxAbsError, '');
      rec(METRIC.cosineSimilarity, m.cosineSimilarity, '');
      rec(METRIC.gapToBoundDb, m.gapToBoundDb, 'dB');
      if (source === 'gaussian') rec(METRIC.gapToLloydMaxDb, m.gapToLloydMaxDb, 'dB');
      // |x − x̂| / RMS(x) quantiles: the per-element error distribution the format pages plot.
      const eq = m.elementErrorQuantiles;
      rec(METRIC.elementErrorP50, eq.p50, '');
      rec(METRIC.elementErrorP90, eq.p90, '');
      rec(METRIC.elementErrorP99, eq.p99, '');
      rec(METRIC.elementErrorP999, eq.p999, '');
    } catch (e) {
      out.push({
        dataset: source,
        metric: METRIC.sqnrDb,
        value: null,
        unit: 'dB',
        error: (e as Error).message,
      });
    }
  }
  return out;
}

/**
 * Real weights: every 2-D float tensor of the user's model whose row length the format can take, one
 * tensor in memory at a time. A tensor the format cannot encode (row length not a multiple of its block)
 * is a record with the reason, not a silent omission.
 */
export async function weightsLevel(
  formatId: string,
  weightsPath: string,
  tensorsGlob: string | undefined,
): Promise<Rec[]> {
  const format = await loadFormat(formatId);
  const source = await openWeights(weightsPath, tensorsGlob);
  const out: Rec[] = [];
  try {
    for (const t of source.tensors) {
      const dataset = `weights:${t.name}`;
      if (t.cols % format.blockElements !== 0) {
        out.push({
          dataset,
          metric: METRIC.sqnrDb,
          value: null,
          unit: 'dB',
          error: `row length ${t.cols} is not a multiple of ${formatId}'s block of ${format.blockElements}`,
        });
        continue;
      }
      try {
        const m = measureTensor(format, await t.read(), t.cols);
        const details = m.imatrix ? { details: { imatrix: m.imatrix } } : {};
        out.push(
          { dataset, metric: METRIC.bitsPerWeight, value: m.bitsPerWeight, unit: 'bit', ...details },
          { dataset, metric: METRIC.mse, value: m.mse, unit: '', ...details },
          { dataset, metric: METRIC.sqnrDb, value: m.sqnrDb, unit: 'dB', ...details },
          { dataset, metric: METRIC.maxAbsError, value: m.maxAbsError, unit: '', ...details },
          { dataset, metric: METRIC.cosineSimilarity, value: m.cosineSimilarity, unit: '', ...details },
          { dataset, metric: METRIC.gapToBoundDb, value: m.gapToBoundDb, unit: 'dB', ...details },
        );
      } catch (e) {
        out.push({ dataset, metric: METRIC.sqnrDb, value: null, unit: 'dB', error: (e as Error).message });
      }
    }
  } finally {
    await source.close();
  }
  return out;
}

export async function layerLevel(formatId: string, sizes: Sizes): Promise<Rec[]> {
  const format = await loadFormat(formatId);
  const out: Rec[] = [];
  const { layerRows: rows, cols, layerBatch: batch } = sizes;
  // Weights: per-channel scale spread (the realistic case); activations from every source.
  const w = sample('channel_spread', rows * cols, cols, 101);
  for (const source of SOURCE_NAMES) {
    const x = sample(source, cols * batch, cols, 200 + seedOf(source));
    try {
      const m = measureLayer(format, w, rows, cols, x, batch);
      const details = m.imatrix ? { details: { imatrix: m.imatrix } } : {};
      const rec = (metric: MetricName, value: number) =>
        out.push({ dataset: `layer:${source}`, metric, value, unit: '', ...details });
      rec(METRIC.layerRelFrobenius, m.relFrobenius);
      rec(METRIC.layerOutputErrorP50, m.outputErrorP50);
      rec(METRIC.layerOutputErrorP90, m.outputErrorP90);
      rec(METRIC.layerOutputErrorP99, m.outputErrorP99);
      rec(METRIC.layerOutputErrorMax, m.outputErrorMax);
    } catch (e) {
      out.push({
        dataset: `layer:${source}`,
        metric: METRIC.layerRelFrobenius,
        value: null,
        unit: '',
        error: (e as Error).message,
      });
    }
  }
  return out;
}
