import { describe, expect, it } from 'vitest';
import { fixtureResults } from './fixture.ts';
import { type FormatData, formatData } from './format-data.ts';
import { buildModel, type FormatRow } from './model.ts';
import { NEIGHBOUR_BITS, neighbourRows, neighbours } from './neighbours.ts';
import type { Trend } from './trends.ts';

function row(id: string, bitsPerWeight: number, sqnr?: number): FormatRow {
  const m = buildModel(fixtureResults());
  return { ...m.rows[0]!, id, bitsPerWeight, sqnrGaussianDb: sqnr, kl: undefined, records: [] };
}

function data(
  id: string,
  bars: { backend: string; gbps: number; range?: { lo: number; hi: number } }[],
): FormatData {
  return {
    id,
    family: 'f',
    bitsPerWeight: 4,
    sqnrBySource: [],
    gaussianBoundDb: undefined,
    lloydMaxDb: undefined,
    elementError: [],
    layerError: [],
    throughput: bars.map((b) => ({
      ...b,
      op: 'decode',
      kernel: `${id}/decode/${b.backend}`,
      range: b.range,
      copyGbps: undefined,
      vsNative: undefined,
    })),
    nativeBackend: undefined,
    modelLevel: undefined,
  };
}

const trend = (key: string, values: number[]): Trend => ({
  headline: { key, label: key, unit: '', better: 'higher' },
  points: values.map((value, i) => ({
    batch: `b${i}`,
    commit: `c${i}`,
    startedAt: '2026-01-01T00:00:00Z',
    value,
  })),
  band: { median: values[0]!, mad: 0.1, halfWidth: 0.5, points: values.length, min: 0, max: 100 },
  change: 'within-noise',
});

describe('neighbours within ±0.25 bits/weight', () => {
  const me = row('me', 4.5, 20);
  const rows = [
    me,
    row('edge-low', 4.25, 21),
    row('edge-high', 4.75),
    row('near', 4.5, 19),
    row('far', 4.7501),
    row('low', 4.2499),
  ];

  it('includes both edges, excludes itself and anything further, nearest first', () => {
    expect(NEIGHBOUR_BITS).toBe(0.25);
    expect(neighbourRows(me, rows).map((r) => r.id)).toEqual(['near', 'edge-high', 'edge-low']);
    expect(neighbourRows({ ...me, bitsPerWeight: undefined }, rows)).toEqual([]);
  });

  it('gives SQNR differences with no noise estimate unless both formats have a history band', () => {
    const none = neighbours(me, rows, new Map(), new Map());
    expect(none.find((n) => n.id === 'edge-low')!.sqnrDb).toEqual({ value: 1, resolution: 'no-estimate' });
    expect(none.find((n) => n.id === 'edge-high')!.sqnrDb).toBeUndefined();
    const trends = new Map([
      ['me', [trend('sqnr', [20])]],
      ['edge-low', [trend('sqnr', [21])]],
      ['near', [trend('sqnr', [19.5])]],
    ]);
    const withBands = neighbours(me, rows, new Map(), trends);
    // |+1| > 0.5 + 0.5 is not true: exactly at the summed half-widths counts as within noise.
    expect(withBands.find((n) => n.id === 'edge-low')!.sqnrDb!.resolution).toBe('within-noise');
    const near = neighbours({ ...me, sqnrGaussianDb: 21.5 }, rows, new Map(), trends);
    expect(near.find((n) => n.id === 'near')!.sqnrDb).toEqual({ value: -2.5, resolution: 'beyond-noise' });
  });

  it('gives decode throughput ratios per shared backend, within noise when the repeat ranges overlap', () => {
    const d = new Map([
      [
        'me',
        data('me', [
          { backend: 'wasm', gbps: 10, range: { lo: 9, hi: 11 } },
          { backend: 'gpu', gbps: 100 },
        ]),
      ],
      [
        'near',
        data('near', [
          { backend: 'wasm', gbps: 10.5, range: { lo: 10.8, hi: 12 } },
          { backend: 'gpu', gbps: 50 },
        ]),
      ],
      ['edge-low', data('edge-low', [{ backend: 'wasm', gbps: 20, range: { lo: 19, hi: 21 } }])],
    ]);
    const ns = neighbours(me, rows, d, new Map());
    const near = ns.find((n) => n.id === 'near')!.throughput;
    expect(near).toEqual([
      { backend: 'wasm', ratio: { value: 1.05, resolution: 'within-noise' } },
      { backend: 'gpu', ratio: { value: 0.5, resolution: 'no-estimate' } },
    ]);
    expect(ns.find((n) => n.id === 'edge-low')!.throughput).toEqual([
      { backend: 'wasm', ratio: { value: 2, resolution: 'beyond-noise' } },
    ]);
  });

  it('works on the fixture: the model shapes feed the neighbour list', () => {
    const m = buildModel(fixtureResults());
    const fd = new Map(m.rows.map((r) => [r.id, formatData(r, m)] as const));
    for (const r of m.rows) {
      const ns = neighbours(r, m.rows, fd, new Map());
      for (const n of ns) expect(Math.abs(n.bitsPerWeight - r.bitsPerWeight!)).toBeLessThanOrEqual(0.25);
      expect(ns.length).toBe(
        m.rows.filter((o) => o.id !== r.id && Math.abs(o.bitsPerWeight! - r.bitsPerWeight!) <= 0.25).length,
      );
    }
  });
});
