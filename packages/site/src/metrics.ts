/**
 * Every metric, dataset and backend name the site reads from records, in one typed place. Metric names come
 * from results.schema.json through @qbench/spec (README.md lists the ones the pages read); a page never
 * spells a metric name itself.
 */

import { METRIC } from '@qbench/spec';

/** Metric names: results.schema.json's list as @qbench/spec generates it, the constants the suites write. */
export { METRIC };

/** The per-element error quantiles, in plot order, with their labels. */
export const ELEMENT_ERROR_QUANTILES = [
  { metric: METRIC.elementErrorP50, label: 'p50' },
  { metric: METRIC.elementErrorP90, label: 'p90' },
  { metric: METRIC.elementErrorP99, label: 'p99' },
  { metric: METRIC.elementErrorP999, label: 'p99.9' },
] as const;

/** The layer-level output-error percentiles, in plot order. */
export const LAYER_ERROR_PERCENTILES = [
  { metric: METRIC.layerOutputErrorP50, label: 'p50' },
  { metric: METRIC.layerOutputErrorP90, label: 'p90' },
  { metric: METRIC.layerOutputErrorP99, label: 'p99' },
  { metric: METRIC.layerOutputErrorMax, label: 'max' },
] as const;

/** Datasets. Tensor-level sources are the accuracy suite's names; the layer level prefixes them. */
export const DATASET = {
  gaussian: 'gaussian',
  fixture: 'fixture',
  /** A user's model: `model:<name>`; wins over the fixture. */
  userModelPrefix: 'model',
  layerPrefix: 'layer:',
} as const;

/** The accuracy suite's sources, in its order (suites/accuracy/src/sources.ts); others sort after them. */
export const SOURCE_ORDER = [
  'gaussian',
  'laplace',
  'student_t3',
  'gaussian_outliers',
  'channel_spread',
] as const;

export const SUITE = {
  roundtrip: 'roundtrip',
  accuracy: 'accuracy',
  throughput: 'throughput',
  adversarial: 'adversarial',
} as const;

export const REFERENCE_BACKEND = 'reference';

/** The wasm backend every other wasm variant is measured beside: its native_ratio is the index's wasm/native. */
export const WASM_BACKEND = 'wasm-simd128';

/** The ops whose native ratio the index shows, in preference order (a decode is every format's first op). */
export const RATIO_OPS = ['decode', 'dot', 'encode'] as const;

/**
 * A backend that runs ggml's own native code (e.g. 'native-ggml', 'ggml-cpu'): the throughput plots draw it
 * like any other backend and also give every other backend's figure as a ratio to it. Any backend found in
 * the records is shown; this only decides which one is the native baseline.
 */
export function isNativeGgmlBackend(backend: string): boolean {
  return /ggml|native/i.test(backend);
}

/** The op of a throughput kernel id `<format>/<op>/<backend>` ('decode', 'dot', 'encode', …). */
export function kernelOp(kernel: string): string {
  const parts = kernel.split('/');
  return parts.length >= 3 ? parts[1]! : parts.length === 2 ? parts[1]! : 'decode';
}

/** Which way a headline metric is good: a regression is a move the other way beyond its noise band. */
export type Better = 'higher' | 'lower';
