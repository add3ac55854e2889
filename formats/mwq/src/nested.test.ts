import { isQbenchError } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { allocateBits, type Expert, mwqBytes } from './hebf.ts';

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
