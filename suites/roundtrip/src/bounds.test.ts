/** The bound derivation behind scripts/measure-roundtrip-bounds.ts. */
import { loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { BOUND_MARGIN, boundRuns, measureBounds, roundUpSignificant } from './bounds.ts';
import { SOURCES, TENSOR_ELEMENTS } from './properties.ts';

describe('bound derivation', () => {
  it('rounds up to two significant digits, keeping exact values', () => {
    expect(roundUpSignificant(0.012931)).toBe(0.013);
    expect(roundUpSignificant(0.0125)).toBe(0.013);
    expect(roundUpSignificant(0.012)).toBe(0.012);
    expect(roundUpSignificant(0.000153 * 1.25)).toBe(0.0002);
    expect(roundUpSignificant(2.26 * 1.25)).toBe(2.9);
  });

  it("measures the suite's own quick and full runs, then the large draws", async () => {
    const f = await loadFormat('q8_0');
    const runs = boundRuns(f, 7, { elements: 1 << 18, seeds: 2 });
    expect(runs).toEqual([
      { elements: TENSOR_ELEMENTS.quick, seed: 7 },
      { elements: TENSOR_ELEMENTS.full, seed: 7 },
      { elements: 1 << 18, seed: 7 + 0x10000 },
      { elements: 1 << 18, seed: 7 + 0x20000 },
    ]);
  });

  it('derives margin × worst per source, and q8_0 meets its stated bounds', async () => {
    const rows = measureBounds(await loadFormat('q8_0'), { elements: 4096, seeds: 1 });
    expect(rows.map((r) => r.source)).toEqual(SOURCES.map((s) => s.name));
    for (const r of rows) {
      expect(r.worst.nmse).toBe(Math.max(...r.runs.map((x) => x.nmse)));
      expect(r.derived).toBeGreaterThanOrEqual(r.worst.nmse * BOUND_MARGIN);
      expect(r.worst.nmse).toBeLessThanOrEqual(r.stated!);
    }
  });
});
