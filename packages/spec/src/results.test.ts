/** results.schema.json's metric enum: the one list of metric names, what it refuses and what it derives. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emitMetrics, metricKey } from './codegen/emit-metrics.ts';
import { METRIC, METRIC_NAMES } from './generated/metrics.ts';
import {
  checkResults,
  RESULTS_SCHEMA_VERSION,
  type RunMetadata,
  SCHEMA_PATH,
  type StoredRecord,
} from './results.ts';

const run: RunMetadata = {
  id: 'r1',
  batch: '2026-12-07',
  qbench: { version: '0.1.0', commit: 'unknown' },
  machine: { cpu: 'test', cores: 2, memoryBytes: 1, os: 'Linux test x64', node: 'v20.19.0', gpu: null },
  startedAt: '2026-12-07T10:00:00.000Z',
  durationMs: 1,
  shard: null,
  suites: ['roundtrip'],
  formats: null,
  quick: true,
  complete: true,
};

function file(metric: string) {
  const record = {
    run: 'r1',
    item: 'roundtrip:q4_0/properties',
    suite: 'roundtrip',
    format: 'q4_0',
    kernel: 'reference',
    backend: 'reference',
    dataset: 'gaussian',
    metric,
    value: 1,
    unit: '',
  } as StoredRecord;
  return { schemaVersion: RESULTS_SCHEMA_VERSION, runs: [run], records: [record] };
}

describe('metric names', () => {
  it('the schema refuses a metric it does not list, at the record', () => {
    const problems = checkResults(file('not_a_metric'));
    expect(problems.length).toBeGreaterThan(0);
    expect(new Set(problems.map((p) => p.pointer))).toEqual(new Set(['/records/0/metric']));
    expect(problems.map((p) => p.reason).join('; ')).toMatch(/allowed values/);
  });

  it("reads a retired metric in an older run's file (history), which METRIC does not offer", () => {
    expect(checkResults(file('conformance'))).toEqual([]);
    expect(METRIC_NAMES).not.toContain('conformance');
  });

  it('accepts every name of METRIC (the constants every suite and the runner write)', () => {
    expect(METRIC_NAMES.length).toBeGreaterThan(50);
    for (const name of METRIC_NAMES) expect(checkResults(file(name)), name).toEqual([]);
  });

  it('METRIC is the schema enum, in its order, keyed by camelCase', () => {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: { metric: { enum: string[] } } };
    expect(METRIC_NAMES).toEqual(schema.$defs.metric.enum);
    for (const name of METRIC_NAMES) expect(METRIC[metricKey(name) as keyof typeof METRIC]).toBe(name);
    // the names the site already read under these keys
    expect(METRIC.elementErrorP999).toBe('element_error_p999');
    expect(METRIC.top1Agreement).toBe('top1_agreement');
    expect(METRIC.gapToLloydMaxDb).toBe('gap_to_lloyd_max_db');
  });

  it('codegen refuses two names with the same constant', () => {
    expect(() => emitMetrics(['fpr_upper95', 'fpr_upper_95'])).toThrow(/same key 'fprUpper95'/);
  });
});
