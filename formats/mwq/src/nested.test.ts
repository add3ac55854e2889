import { generate, isQbenchError } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { dequantizeLow, quantizeHigh, switchDown } from './double-rounding.ts';
import { allocateBits, type Expert, mwqBytes } from './hebf.ts';

describe('Double Rounding (symmetric, one shared scale)', () => {
  it('switches h-bit codes down by rounding q_h/2^(h−l), clamped to the l-bit range', () => {
    expect(switchDown(127, 8, 4)).toBe(7); // 7.94 → 8 → clamp 7
    expect(switchDown(-128, 8, 4)).toBe(-8);
    expect(switchDown(24, 8, 4)).toBe(2); // 1.5 → 2 (half away from zero)
    expect(switchDown(-24, 8, 4)).toBe(-2);
    expect(switchDown(23, 8, 4)).toBe(1);
    expect(switchDown(-7, 8, 8)).toBe(-7);
  });

  it('ŵ_l = q_l·s_h·2^(h−l): the l-bit grid shares the stored scale, and distortion grows as l drops', () => {
    const x = generate({ kind: 'gaussian' }, 128 * 64, 8);
    const d = quantizeHigh(x, 8, 128);
    const y4 = dequantizeLow(d, 4);
    for (let i = 0; i < 128; i++) {
      expect(y4[i]).toBe(Math.fround(switchDown(d.codes[i]!, 8, 4) * Math.fround(d.scales[0]! * 16)));
    }
    const err = (l: number): number => {
      const y = dequantizeLow(d, l);
      let e = 0;
      let p = 0;
      for (let i = 0; i < x.length; i++) {
        e += (x[i]! - y[i]!) ** 2;
        p += x[i]! ** 2;
      }
      return e / p;
    };
    expect(err(8)).toBeLessThan(err(6));
    expect(err(6)).toBeLessThan(err(4));
    expect(err(4)).toBeLessThan(err(2));
    expect(() => dequantizeLow(d, 9)).toThrow(/2 ≤ l ≤ h ≤ 16, got h=8, l=9/);
  });
});

describe('hottest-expert-bit-first allocation', () => {
  const experts: Expert[] = Array.from({ length: 12 }, (_, i) => ({
    hotness: [0.3, 0.01, 0.12, 0.05, 0.2, 0.02, 0.08, 0.07, 0.05, 0.04, 0.03, 0.03][i]!,
    weights: 128 * (64 + 16 * (i % 4)),
  }));

  it('stays within the budget and never gives a hotter expert fewer bits, at every budget', () => {
    const min = experts.reduce((s, e) => s + mwqBytes(e.weights, 2), 0);
    const max = experts.reduce((s, e) => s + mwqBytes(e.weights, 8), 0);
    for (let budget = min; budget <= max + 1000; budget += Math.floor((max - min) / 37)) {
      const a = allocateBits(experts, budget);
      expect(a.bytes).toBeLessThanOrEqual(budget);
      expect(a.bytes).toBe(experts.reduce((s, e, i) => s + mwqBytes(e.weights, a.bits[i]!), 0));
      for (let i = 0; i < experts.length; i++) {
        for (let j = 0; j < experts.length; j++) {
          if (experts[i]!.hotness > experts[j]!.hotness)
            expect(a.bits[i]!).toBeGreaterThanOrEqual(a.bits[j]!);
        }
      }
    }
    expect(allocateBits(experts, max).bits.every((b) => b === 8)).toBe(true);
    expect(allocateBits(experts, min).bits.every((b) => b === 2)).toBe(true);
  });

  it('spends a small budget on the hottest expert first', () => {
    const min = experts.reduce((s, e) => s + mwqBytes(e.weights, 2), 0);
    const a = allocateBits(
      experts,
      min + mwqBytes(experts[0]!.weights, 8) - mwqBytes(experts[0]!.weights, 2),
    );
    expect(a.bits[0]).toBe(8);
  });

  it('rejects a budget below the smallest width, naming both numbers', () => {
    try {
      allocateBits(experts, 1000);
      throw new Error('expected a QbenchError');
    } catch (e) {
      expect(isQbenchError(e)).toBe(true);
      expect((e as Error).message).toMatch(
        /even 2 bits for every expert needs \d+ bytes, over the budget of 1000/,
      );
    }
  });
});
