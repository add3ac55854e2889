/**
 * The C-semantics helpers against independent models of x86-64 C: exhaustively over every float32 whose
 * low 16 bits are zero (all signs, exponents, ±0, ±inf, NaNs, subnormals; 65,536 values) for the casts
 * and truthiness, and on the hand-picked edges (2^31 and its float32 neighbours, halfway cases, LONG_MIN).
 */
import { bitsToF32 } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { cInverse, cTrue, x86Byte, x86Int, x86LroundfPlus } from './c-semantics.ts';

/** cvttss2si modelled with BigInt: the truncated value if it fits in int32, else the integer indefinite. */
function cvttModel(x: number): bigint {
  if (!Number.isFinite(x)) return -(2n ** 31n);
  const t = BigInt(Math.trunc(x));
  return t >= -(2n ** 31n) && t < 2n ** 31n ? t : -(2n ** 31n);
}

const everyHighHalf = Array.from({ length: 65536 }, (_, k) => bitsToF32((k << 16) >>> 0));

describe('C semantics (x86-64)', () => {
  it('(int)x, (int8_t)x, (uint8_t)x on 65,536 float32 patterns', () => {
    const bad: string[] = [];
    for (const x of everyHighHalf) {
      const m = cvttModel(x);
      const int8 = Number(BigInt.asIntN(8, m));
      const uint8 = Number(BigInt.asUintN(8, m));
      if (x86Int(x) !== Number(m) || x86Byte(x, true) !== int8 || x86Byte(x, false) !== uint8)
        bad.push(String(x));
    }
    expect(bad).toEqual([]);
  });

  it('(int) at the int32 edges', () => {
    expect(x86Int(2147483520)).toBe(2147483520); // largest float32 below 2^31
    expect(x86Int(2147483648)).toBe(-2147483648);
    expect(x86Int(-2147483648)).toBe(-2147483648);
    expect(x86Int(-2147483904)).toBe(-2147483648); // next float32 below −2^31: out of range
    expect(x86Int(-0.99)).toBe(0);
    expect(Object.is(x86Int(-0), 0)).toBe(true);
    expect([x86Int(Number.NaN), x86Int(Infinity), x86Int(-Infinity)]).toEqual([
      -2147483648, -2147483648, -2147483648,
    ]);
    // q4_0's MIN(15, (int8_t)(x·id + 8.5f)) with id = +inf stores 0, not 15.
    expect(Math.min(15, x86Byte(Infinity, true)) & 0xff).toBe(0);
  });

  it('truth of a float: every non-zero value and NaN are true, ±0 false', () => {
    // Model from the bit pattern: C's `x != 0` is false exactly for the two zero patterns.
    const bad = everyHighHalf.filter((x, k) => cTrue(x) !== (((k << 16) & 0x7fffffff) !== 0));
    expect(bad).toEqual([]);
    expect([cTrue(Number.NaN), cTrue(-0), cTrue(0), cTrue(1e-45)]).toEqual([true, false, false, true]);
  });

  it('d ? 1/d : 0 in float32', () => {
    expect(Number.isNaN(cInverse(Number.NaN))).toBe(true); // JS's `d ?` would give 0
    expect(Object.is(cInverse(-0), 0)).toBe(true);
    expect(cInverse(1e-40)).toBe(Infinity); // a subnormal d overflows its reciprocal
    expect(cInverse(3)).toBe(Math.fround(1 / 3));
  });

  it('int v = lroundf(x) + k: half away from zero; LONG_MIN for NaN/inf/huge keeps only k', () => {
    expect([0.5, -0.5, 1.5, 2.5, -2.5, 0.49999997].map((x) => x86LroundfPlus(x, 0))).toEqual([
      1, -1, 2, 3, -3, 0,
    ]);
    expect(x86LroundfPlus(-1, 1)).toBe(0);
    for (const x of [Number.NaN, Infinity, -Infinity, 2 ** 63, -(2 ** 64)])
      expect(x86LroundfPlus(x, 1)).toBe(1);
    // In range but beyond int32: the long's low 32 bits, as the assignment to int keeps them.
    expect(x86LroundfPlus(2 ** 32 + 5, 1)).toBe(6);
    expect(x86LroundfPlus(2 ** 62, 1)).toBe(1);
  });
});
