/**
 * Every metric, dataset and backend name the site reads from records, in one typed place. These strings are
 * the contract with the suites (README.md lists them); a page never spells a metric name itself.
 */

/** Metric names as the suites write them. */
export const METRIC = {
  // roundtrip + accuracy (tensor level)
  bitsPerWeight: 'bits_per_weight',
  sqnrDb: 'sqnr_db',
  gapToBoundDb: 'gap_to_bound_db',
  gapToLloydMaxDb: 'gap_to_lloyd_max_db',
  elementErrorP50: 'element_error_p50',
  elementErrorP90: 'element_error_p90',
  elementErrorP99: 'element_error_p99',
  elementErrorP999: 'element_error_p999',
  // accuracy (layer level)
  layerRelFrobenius: 'layer_rel_frobenius',
  layerOutputErrorP50: 'layer_output_error_p50',
  layerOutputErrorP90: 'layer_output_error_p90',
  layerOutputErrorP99: 'layer_output_error_p99',
  layerOutputErrorMax: 'layer_output_error_max',
  // accuracy (model level)
  klDivergence: 'kl_divergence',
  top1Agreement: 'top1_agreement',
  rmsDeltaP: 'rms_delta_p',
  perplexityQ: 'perplexity_q',
  perplexityFp: 'perplexity_fp',
  // throughput
  throughputGbps: 'throughput_gbps',
  memcpyGbps: 'memcpy_gbps',
  // adversarial
  tpr: 'tpr',
  fpr: 'fpr',
  fprUpper95: 'fpr_upper95',
} as const;
export type MetricName = (typeof METRIC)[keyof typeof METRIC];

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
