/**
 * A small, deterministic results set for the site's tests: three real formats from the registry with
 * records for every metric the site reads (see README.md), so every column and plot has data, plus an
 * older batch for the history view. Values are illustrative, not measurements.
 */
import { listSpecs } from '@qbench/core';
import {
  METRIC,
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  type RunMetadata,
  type StoredRecord,
} from '@qbench/spec';

function run(id: string, batch: string, startedAt: string): RunMetadata {
  return {
    id,
    batch,
    qbench: { version: '0.1.0', commit: 'unknown' },
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryBytes: 8 * 2 ** 30,
      os: 'Linux test x64',
      node: 'v20.19.0',
      gpu: null,
    },
    startedAt,
    durationMs: 1234,
    shard: null,
    suites: ['roundtrip', 'accuracy', 'throughput', 'adversarial'],
    formats: null,
    quick: true,
    complete: true,
    items: 3,
  };
}

/** The accuracy sources, element-error quantiles and layer percentiles the fixture carries. */
export const FIXTURE_SOURCES = ['gaussian', 'laplace', 'student_t3'] as const;
const FIXTURE_QUANTILES = [
  METRIC.elementErrorP50,
  METRIC.elementErrorP90,
  METRIC.elementErrorP99,
  METRIC.elementErrorP999,
];
const FIXTURE_PERCENTILES = [
  METRIC.layerOutputErrorP50,
  METRIC.layerOutputErrorP90,
  METRIC.layerOutputErrorP99,
  METRIC.layerOutputErrorMax,
];

export function fixtureFormats(count = 3): string[] {
  return listSpecs()
    .filter((s) => s.role === undefined || s.role === 'weight')
    .slice(0, count)
    .map((s) => s.id);
}

export function fixtureResults(
  batch = '2026-01-02',
  startedAt = '2026-01-02T03:00:00.000Z',
  sqnrShift = 0,
): ResultsFile {
  const runMeta = run(`run-${batch}`, batch, startedAt);
  const records: StoredRecord[] = [];
  const add = (r: Omit<StoredRecord, 'run' | 'item'> & { item?: string }) =>
    records.push({ run: runMeta.id, item: r.item ?? `${r.suite}:${r.format}`, ...r });
  fixtureFormats().forEach((format, i) => {
    const bpw = listSpecs().find((s) => s.id === format)!.derived.bitsPerWeight;
    const ref = { format, kernel: 'reference', backend: 'reference' };
    add({
      suite: 'roundtrip',
      ...ref,
      dataset: 'golden:x',
      metric: METRIC.golden,
      value: i === 2 ? 'fail' : 'pass',
      unit: 'verdict',
      details: { firstFailure: { case: 'c', op: 'encode', mismatch: 'block 0' } },
    });
    add({
      suite: 'roundtrip',
      ...ref,
      dataset: 'gaussian',
      metric: METRIC.size,
      value: 'pass',
      unit: 'verdict',
    });
    add({
      suite: 'roundtrip',
      ...ref,
      dataset: 'huge',
      metric: METRIC.specialValues,
      value: 'pass',
      unit: 'verdict',
      details: { behaviour: 'decodes to ±inf' },
    });
    add({
      suite: 'accuracy',
      ...ref,
      kernel: `${format}/decode/reference`,
      dataset: 'gaussian',
      metric: METRIC.sqnrDb,
      value: 6.02 * bpw - 4 - i + sqnrShift,
      unit: 'dB',
    });
    const acc = { suite: 'accuracy', ...ref, kernel: `${format}/decode/reference` };
    add({
      ...acc,
      dataset: 'fixture',
      metric: METRIC.klDivergence,
      value: 0.01 / (i + 1),
      unit: 'nats',
      details: { engine: 'onnxruntime-node (CPU, 1 thread)', model: 'qbench-tiny-lm-test', positions: 1000 },
    });
    // Model level: the quantized perplexity of the first format is below full precision's (the case the
    // page must call noise, not an improvement).
    add({ ...acc, dataset: 'fixture', metric: METRIC.top1Agreement, value: 0.98 - 0.01 * i, unit: '' });
    add({ ...acc, dataset: 'fixture', metric: METRIC.rmsDeltaP, value: 0.01 * (i + 1), unit: '' });
    add({ ...acc, dataset: 'fixture', metric: METRIC.perplexityFp, value: 9.28, unit: '' });
    add({ ...acc, dataset: 'fixture', metric: METRIC.perplexityQ, value: 9.26 + 0.05 * i, unit: '' });
    // Tensor level per source (SQNR falls with heavier tails), with the per-element error quantiles, and the
    // layer level per activation source.
    FIXTURE_SOURCES.forEach((source, j) => {
      const item = `accuracy/tensor/${format}`;
      if (source !== 'gaussian')
        add({
          ...acc,
          item,
          dataset: source,
          metric: METRIC.sqnrDb,
          value: 6.02 * bpw - 4 - i - 2 * j,
          unit: 'dB',
        });
      FIXTURE_QUANTILES.forEach((q, k) => {
        add({ ...acc, item, dataset: source, metric: q, value: 0.01 * (i + 1) * (j + 1) * 2 ** k, unit: '' });
      });
      FIXTURE_PERCENTILES.forEach((q, k) => {
        const value = 0.02 * (i + 1) * (j + 1) * 1.5 ** k;
        add({
          ...acc,
          item: `accuracy/layer/${format}`,
          dataset: `layer:${source}`,
          metric: q,
          value,
          unit: '',
        });
      });
    });
    add({ ...acc, dataset: 'gaussian', metric: METRIC.gapToLloydMaxDb, value: -1 + 0.5 * i, unit: 'dB' });
    for (const backend of ['wasm-simd128', 'webgpu']) {
      add({
        suite: 'throughput',
        format,
        kernel: `${format}/decode/${backend}`,
        backend,
        dataset: 'decode-4M',
        metric: METRIC.throughputGbps,
        value: (i + 1) * (backend === 'webgpu' ? 40 : 3),
        unit: 'GB/s',
        // Repeat times: the fastest repeat 5% faster than the median, the slowest 10% slower.
        details: { medianNs: 1000, minNs: 950, maxNs: 1100 },
      });
    }
    add({
      suite: 'adversarial',
      format,
      kernel: '-',
      backend: 'reference',
      dataset: 'mind-the-gap',
      metric: METRIC.tpr,
      value: (9 - i) / 10,
      unit: 'ratio',
      // Counts as the adversarial suite records them: 9−i of 10 attacked pairs, 3(i+1) of 300 benign.
      details: { tp: 9 - i, positives: 10, fp: 3 * (i + 1), negatives: 300 },
    });
    // The suite's own bound for the first format only, so the site's computed bound is exercised too.
    if (i === 0)
      add({
        suite: 'adversarial',
        format,
        kernel: '-',
        backend: 'reference',
        dataset: 'mind-the-gap',
        metric: METRIC.fprUpper95,
        value: 0.025,
        unit: 'ratio',
      });
    add({
      suite: 'adversarial',
      format,
      kernel: '-',
      backend: 'reference',
      dataset: 'mind-the-gap',
      metric: METRIC.fpr,
      value: (3 * (i + 1)) / 300,
      unit: 'ratio',
    });
  });
  add({
    suite: 'roundtrip',
    format: fixtureFormats()[2]!,
    kernel: 'reference',
    backend: 'reference',
    dataset: 'nan',
    metric: METRIC.specialValues,
    value: null,
    unit: '',
    error: 'x: boom',
    item: 'roundtrip:err',
  });
  for (const [backend, v] of [
    ['wasm-simd128', 12],
    ['webgpu', 150],
  ] as const) {
    add({
      suite: 'throughput',
      format: '-',
      kernel: '-',
      backend,
      dataset: 'memcpy',
      metric: METRIC.memcpyGbps,
      value: v,
      unit: 'GB/s',
      item: `throughput:memcpy:${backend}`,
    });
  }
  return { schemaVersion: RESULTS_SCHEMA_VERSION, runs: [runMeta], records };
}
