import { describe, expect, it } from 'vitest';
import { interval95, upper95 } from './binomial.ts';

describe('Clopper–Pearson bounds', () => {
  it('zero events: the upper bound is 1 − 0.05^(1/n), so 300 pairs bound a zero FPR under 1%', () => {
    expect(upper95(0, 300)).toBeCloseTo(1 - 0.05 ** (1 / 300), 9);
    expect(upper95(0, 300)).toBeLessThan(0.01);
    expect(upper95(0, 297)).toBeGreaterThan(0.01);
  });

  it('matches closed forms at the ends and tabulated values inside', () => {
    // k = n: the lower end is 0.025^(1/n); k = 0: the upper end is 1 − 0.025^(1/n).
    expect(interval95(9, 9).lo).toBeCloseTo(0.025 ** (1 / 9), 9);
    expect(interval95(9, 9).hi).toBe(1);
    expect(interval95(0, 9).hi).toBeCloseTo(1 - 0.025 ** (1 / 9), 9);
    // 5 of 10: 0.1871–0.8129 (the exact binomial interval as tabulated, e.g. R's binom.test).
    expect(interval95(5, 10).lo).toBeCloseTo(0.187086, 5);
    expect(interval95(5, 10).hi).toBeCloseTo(0.812914, 5);
    // One-sided bound with events: 1 of 100 → 0.0465 (R: binom.test(1, 100, alternative = "less")).
    expect(upper95(1, 100)).toBeCloseTo(0.04656, 4);
  });

  it('does not underflow for many trials near p = 1', () => {
    const r = interval95(995, 1000);
    expect(r.lo).toBeGreaterThan(0.98);
    expect(r.lo).toBeLessThan(0.995);
    expect(r.hi).toBeLessThan(1);
  });
});
