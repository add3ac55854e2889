import { describe, expect, it } from 'vitest';
import { bitsToF32 } from './float-bits.ts';
import {
  cosineSimilarity,
  klDivergenceLogits,
  maxAbsError,
  mse,
  nmse,
  rmse,
  sqnrDb,
  ulpDistance,
} from './metrics.ts';

describe('metrics', () => {
  const ref = Float32Array.of(1, -2, 3, -4);
  const got = Float32Array.of(1.5, -2, 2, -4);

  it('computes MSE, RMSE, NMSE, SQNR and max abs error by their definitions', () => {
    expect(mse(ref, got)).toBeCloseTo((0.25 + 1) / 4, 12);
    expect(rmse(ref, got)).toBeCloseTo(Math.sqrt(1.25 / 4), 12);
    expect(nmse(ref, got)).toBeCloseTo(1.25 / 30, 12);
    expect(sqnrDb(ref, got)).toBeCloseTo(10 * Math.log10(30 / 1.25), 10);
    expect(maxAbsError(ref, got)).toBe(1);
    expect(sqnrDb(ref, ref)).toBe(Number.POSITIVE_INFINITY);
  });

  it('does not hide NaN reconstructions', () => {
    expect(Number.isNaN(mse(ref, Float32Array.of(1, Number.NaN, 3, -4)))).toBe(true);
    expect(Number.isNaN(maxAbsError(ref, Float32Array.of(1, Number.NaN, 3, -4)))).toBe(true);
  });

  it('cosine similarity is 1 for parallel, -1 for opposite, 0 for orthogonal vectors', () => {
    expect(
      cosineSimilarity(
        ref,
        ref.map((v) => v * 3),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      cosineSimilarity(
        ref,
        ref.map((v) => -v),
      ),
    ).toBeCloseTo(-1, 12);
    expect(cosineSimilarity(Float32Array.of(1, 0), Float32Array.of(0, 1))).toBe(0);
  });

  it('counts ULPs across zero and treats NaN vs NaN as equal', () => {
    expect(ulpDistance(1, 1)).toBe(0);
    expect(ulpDistance(0, -0)).toBe(0);
    expect(ulpDistance(1, bitsToF32(0x3f800001))).toBe(1);
    expect(ulpDistance(bitsToF32(0x00000001), bitsToF32(0x80000001))).toBe(2);
    expect(ulpDistance(Number.NaN, Number.NaN)).toBe(0);
    expect(ulpDistance(Number.NaN, 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it('KL divergence of logits: zero for equal or shifted logits, known value otherwise', () => {
    const a = [1, 2, 3];
    expect(klDivergenceLogits(a, a)).toBe(0);
    expect(klDivergenceLogits(a, [101, 102, 103])).toBeCloseTo(0, 12);
    const p = [0.5, 0.5];
    const q = [0.9, 0.1];
    const expected = p[0]! * Math.log(p[0]! / q[0]!) + p[1]! * Math.log(p[1]! / q[1]!);
    expect(klDivergenceLogits([0, 0], [Math.log(0.9), Math.log(0.1)])).toBeCloseTo(expected, 12);
    expect(klDivergenceLogits([1000, 0], [0, 1000])).toBeCloseTo(1000, 6); // stable for large logits
  });

  it('rejects vectors of different lengths', () => {
    expect(() => mse(ref, Float32Array.of(1))).toThrow(/lengths differ/);
  });
});
