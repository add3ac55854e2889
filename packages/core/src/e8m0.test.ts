import { describe, expect, it } from 'vitest';
import { e8m0FromExponent, e8m0ToFp32, floorLog2F32 } from './e8m0.ts';
import { bitsToF32 } from './float-bits.ts';

describe('E8M0 and floor(log2) from bits', () => {
  it('decodes every code: 2^(e-127), 0xFF is NaN', () => {
    for (let e = 0; e < 255; e++) expect(e8m0ToFp32(e)).toBe(2 ** (e - 127));
    expect(Number.isNaN(e8m0ToFp32(0xff))).toBe(true);
  });

  it('takes the exponent from the bits, not a float log2 (off by one just below a power of two)', () => {
    const justBelow8 = bitsToF32(0x40ffffff); // 7.9999995
    expect(floorLog2F32(justBelow8)).toBe(2);
    expect(floorLog2F32(8)).toBe(3);
    expect(floorLog2F32(-0.75)).toBe(-1);
    expect(floorLog2F32(bitsToF32(1))).toBe(-149);
    expect(floorLog2F32(bitsToF32(0x007fffff))).toBe(-127);
    expect(floorLog2F32(0)).toBe(Number.NEGATIVE_INFINITY);
  });

  it('saturates out-of-range exponents: above 127 NaN, below -127 code 0', () => {
    expect(e8m0FromExponent(128)).toBe(0xff);
    expect(e8m0FromExponent(127)).toBe(254);
    expect(e8m0FromExponent(-127)).toBe(0);
    expect(e8m0FromExponent(-200)).toBe(0);
  });
});
