import { describe, expect, it } from 'vitest';
import { classifyChange, MIN_BAND_POINTS, median, noiseBand } from './noise.ts';

describe('noise band from history', () => {
  it('needs at least MIN_BAND_POINTS finite past points', () => {
    expect(MIN_BAND_POINTS).toBe(5);
    expect(noiseBand([1, 2, 3, 4])).toBeUndefined();
    expect(noiseBand([1, 2, 3, 4, Number.NaN])).toBeUndefined();
    expect(noiseBand([1, 2, 3, 4, 5])).toBeDefined();
  });

  it('is the median ± 3 × 1.4826 × MAD, robust to one wild night', () => {
    // median 10, deviations 0, 1, 1, 2, 2, 90 → MAD 1.5 (the 90 barely moves it; a σ would be ~33).
    const b = noiseBand([10, 9, 11, 8, 12, 100])!;
    expect(median([10, 9, 11, 8, 12, 100])).toBe(10.5);
    expect(b.median).toBe(10.5);
    expect(b.mad).toBe(1.5);
    expect(b.halfWidth).toBeCloseTo(3 * 1.4826 * 1.5, 12);
    expect([b.min, b.max, b.points]).toEqual([8, 100, 6]);
  });

  it('classifies the latest point by which way is better', () => {
    const b = noiseBand([20, 20.1, 19.9, 20.05, 19.95])!; // median 20, MAD 0.05 → half-width ≈ 0.222
    expect(classifyChange(19.5, b, 'higher')).toBe('regression');
    expect(classifyChange(20.5, b, 'higher')).toBe('improvement');
    expect(classifyChange(20.5, b, 'lower')).toBe('regression');
    expect(classifyChange(20.15, b, 'higher')).toBe('within-noise');
    expect(classifyChange(19.5, undefined, 'higher')).toBe('no-band');
  });

  it('does not call a value the metric has already taken a regression', () => {
    // MAD 0 from four identical nights, but one earlier night was at 15: 15 again is not news.
    const b = noiseBand([20, 20, 20, 20, 15])!;
    expect(b.halfWidth).toBe(0);
    expect(classifyChange(15, b, 'higher')).toBe('within-noise');
    expect(classifyChange(14.9, b, 'higher')).toBe('regression');
  });

  it('reports any change of a deterministic metric (no spread at all in history)', () => {
    const b = noiseBand([23, 23, 23, 23, 23])!;
    expect(classifyChange(23, b, 'higher')).toBe('within-noise');
    expect(classifyChange(22.99, b, 'higher')).toBe('regression');
    expect(classifyChange(23.01, b, 'higher')).toBe('improvement');
  });
});
