import type { StoredRecord } from '@qbench/spec';
import { describe, expect, it } from 'vitest';
import { FIXTURE_SOURCES, fixtureFormats, fixtureResults } from './fixture.ts';
import { formatData, wilsonInterval } from './format-data.ts';
import { buildModel, DB_PER_BIT } from './model.ts';

function dataOf(index: number, extra: StoredRecord[] = []) {
  const results = fixtureResults();
  results.records.push(...extra);
  const m = buildModel(results);
  const row = m.rows.find((r) => r.id === fixtureFormats()[index])!;
  return { row, d: formatData(row, m) };
}

describe('a format page’s data', () => {
  it('has SQNR per source in the accuracy suite’s order, with the Gaussian bound and the Lloyd–Max line', () => {
    const { row, d } = dataOf(1);
    expect(d.sqnrBySource.map((p) => p.source)).toEqual([...FIXTURE_SOURCES]);
    // fixture: 6.02·bpw − 4 − i − 2j for format i and source j
    expect(d.sqnrBySource.map((p) => p.value)).toEqual(
      FIXTURE_SOURCES.map((_, j) => 6.02 * row.bitsPerWeight! - 4 - 1 - 2 * j),
    );
    expect(d.gaussianBoundDb).toBeCloseTo(DB_PER_BIT * row.bitsPerWeight!, 12);
    // Lloyd–Max SQNR = SQNR + gap_to_lloyd_max_db (−0.5 for format 1)
    expect(d.lloydMaxDb).toBeCloseTo(d.sqnrBySource[0]!.value - 0.5, 12);
  });

  it('has every element-error quantile and layer percentile per source, and no layer data among the sources', () => {
    const { d } = dataOf(0);
    expect(d.elementError).toHaveLength(FIXTURE_SOURCES.length * 4);
    expect(d.elementError.filter((q) => q.source === 'laplace').map((q) => [q.quantile, q.value])).toEqual([
      ['p50', 0.02],
      ['p90', 0.04],
      ['p99', 0.08],
      ['p99.9', 0.16],
    ]);
    expect(d.layerError).toHaveLength(FIXTURE_SOURCES.length * 4);
    expect(new Set(d.layerError.map((q) => q.source))).toEqual(new Set(FIXTURE_SOURCES));
    expect(d.layerError.map((q) => q.quantile).slice(0, 4)).toEqual(['p50', 'p90', 'p99', 'max']);
  });

  it('has one throughput bar per backend and op, with copy bandwidth and the repeat spread', () => {
    const { d } = dataOf(1);
    expect(d.throughput.map((b) => `${b.op}/${b.backend}`)).toEqual(['decode/wasm-simd128', 'decode/webgpu']);
    const wasm = d.throughput[0]!;
    expect(wasm.gbps).toBe(6);
    expect(wasm.copyGbps).toBe(12);
    // median 1000 ns, fastest 950 ns: repeat times 950–1050 ns (the slowest, 1100 ns, is not a spread).
    expect(wasm.range!.lo).toBeCloseTo(6 / 1.05, 12);
    expect(wasm.range!.hi).toBeCloseTo(6 / 0.95, 12);
    expect(d.nativeBackend).toBeUndefined();
    expect(wasm.vsNative).toBeUndefined();
  });

  it('shows any backend found in the records and rates the others against a native ggml one', () => {
    const format = fixtureFormats()[1]!;
    const rec = (backend: string, op: string, value: number): StoredRecord => ({
      run: 'run-2026-01-02',
      item: `throughput:${format}:${backend}:${op}`,
      suite: 'throughput',
      format,
      kernel: `${format}/${op}/${backend}`,
      backend,
      dataset: 'x',
      metric: 'throughput_gbps',
      value,
      unit: 'GB/s',
    });
    const { d } = dataOf(1, [
      rec('native-ggml', 'decode', 12),
      rec('native-ggml', 'dot', 30),
      rec('some-new-backend', 'dot', 3),
    ]);
    expect(d.nativeBackend).toBe('native-ggml');
    expect(d.throughput.map((b) => `${b.op}/${b.backend}`)).toEqual([
      'decode/native-ggml',
      'decode/wasm-simd128',
      'decode/webgpu',
      'dot/native-ggml',
      'dot/some-new-backend',
    ]);
    const by = new Map(d.throughput.map((b) => [`${b.op}/${b.backend}`, b.vsNative]));
    expect(by.get('decode/wasm-simd128')).toBe(0.5);
    expect(by.get('decode/webgpu')).toBeCloseTo(80 / 12, 12);
    expect(by.get('dot/some-new-backend')).toBe(0.1);
    expect(by.get('decode/native-ggml')).toBeUndefined();
  });

  it('has the model-level statistics with engine, model, ΔPPL and a top-1 interval', () => {
    const m = dataOf(0).d.modelLevel!;
    expect(m).toMatchObject({
      dataset: 'fixture',
      isFixture: true,
      engine: 'onnxruntime-node (CPU, 1 thread)',
      model: 'qbench-tiny-lm-test',
      positions: 1000,
      top1: 0.98,
      perplexityQ: 9.26,
      perplexityFp: 9.28,
    });
    expect(m.deltaPpl).toBeCloseTo(-0.02, 12);
    expect(m.top1Interval!.lo).toBeLessThan(0.98);
    expect(m.top1Interval!.hi).toBeGreaterThan(0.98);
  });

  it('Wilson interval matches the textbook value', () => {
    // p = 0.5, n = 100: 0.4038 – 0.5962
    const w = wilsonInterval(0.5, 100);
    expect(w.lo).toBeCloseTo(0.4038, 4);
    expect(w.hi).toBeCloseTo(0.5962, 4);
    // p = 1, n = 10: upper bound 1, lower 0.7225
    expect(wilsonInterval(1, 10).lo).toBeCloseTo(0.7225, 4);
    expect(wilsonInterval(1, 10).hi).toBeCloseTo(1, 12);
  });
});
