/**
 * fp16 and bf16 conversions against ggml's golden vectors: all 65536 half bit patterns, every rounding
 * tie between consecutive halves (both signs) and the tricky set (NaN payloads, ±inf, subnormals,
 * overflow ties, ±FLT_MAX). NaN handling as ggml's scalar path: canonical 0x7E00 | sign for fp16.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bf16BitsToFp32, fp32ToBf16Bits } from './bfloat16.ts';
import { bitsToF32, f32ToBits } from './float-bits.ts';
import { fp16BitsToFp32, fp32ToFp16Bits, roundToFp16 } from './float16.ts';
import { openGoldenFolder } from './golden.ts';
import { goldenDir } from './test-support.ts';

function u16(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
  return out;
}

const conversions = {
  f16: { to: fp32ToFp16Bits, from: fp16BitsToFp32 },
  bf16: { to: fp32ToBf16Bits, from: bf16BitsToFp32 },
} as const;

for (const [name, conv] of Object.entries(conversions)) {
  describe(`${name} conversions match ggml`, () => {
    const folder = openGoldenFolder(join(goldenDir, 'ggml', name));
    for (const c of folder.cases) {
      it(`${c.name}: fp32 -> ${name} bits and back are bit-exact`, () => {
        const n = c.meta['n_per_row'] as number;
        const input = c.f32('in', n);
        const expectedQ = u16(c.bytes('q', n * 2));
        const expectedOut = c.f32('out', n);
        let bad = 0;
        let firstBad = '';
        for (let i = 0; i < n; i++) {
          const q = conv.to(input[i]!);
          const out = conv.from(expectedQ[i]!);
          const outOk =
            f32ToBits(out) === f32ToBits(expectedOut[i]!) ||
            (Number.isNaN(out) && Number.isNaN(expectedOut[i]!));
          if (q !== expectedQ[i] || !outOk) {
            if (bad === 0)
              firstBad = `index ${i}: in 0x${f32ToBits(input[i]!).toString(16)} expected 0x${expectedQ[i]!.toString(16)} got 0x${q.toString(16)}`;
            bad++;
          }
        }
        expect(firstBad).toBe('');
        expect(bad).toBe(0);
      });
    }
  });
}

describe('fp16 properties', () => {
  it('round trips every non-NaN half exactly', () => {
    for (let h = 0; h < 65536; h++) {
      const nan = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (!nan) expect(fp32ToFp16Bits(fp16BitsToFp32(h))).toBe(h);
    }
  });

  it('rounds ties to even and overflows to infinity at 65520', () => {
    expect(fp32ToFp16Bits(65519.99)).toBe(0x7bff);
    expect(fp32ToFp16Bits(65520)).toBe(0x7c00);
    expect(fp32ToFp16Bits(-65520)).toBe(0xfc00);
    // 1 + 2^-11 is exactly between 1 and 1 + 2^-10: ties to the even mantissa (1).
    expect(fp32ToFp16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3·2^-11 is between 1+2^-10 (odd) and 1+2^-9 (even): rounds up.
    expect(fp32ToFp16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(roundToFp16(2 ** -25)).toBe(0); // half the smallest subnormal: tie to even (zero)
    expect(roundToFp16(2 ** -25 + 2 ** -40)).toBe(2 ** -24);
  });

  it('canonicalises NaN to 0x7E00 with the sign kept', () => {
    expect(fp32ToFp16Bits(bitsToF32(0x7fc02000))).toBe(0x7e00);
    expect(fp32ToFp16Bits(bitsToF32(0xff800001))).toBe(0xfe00);
  });
});

describe('bf16 properties', () => {
  it('keeps NaN payload top bits with the quiet bit forced', () => {
    expect(fp32ToBf16Bits(bitsToF32(0x7f800001))).toBe(0x7fc0);
    expect(fp32ToBf16Bits(bitsToF32(0xffa12345))).toBe(0xffe1);
  });

  it('rounds to nearest even and overflows the largest finite tie to infinity', () => {
    expect(fp32ToBf16Bits(bitsToF32(0x3f808000))).toBe(0x3f80); // tie, even stays
    expect(fp32ToBf16Bits(bitsToF32(0x3f818000))).toBe(0x3f82); // tie, odd rounds up
    expect(fp32ToBf16Bits(bitsToF32(0x7f7f8000))).toBe(0x7f80); // bf16 max + half ulp -> inf
    expect(fp32ToBf16Bits(bitsToF32(0x00000001))).toBe(0x0000); // fp32 subnormal, no flush rule: rounds to 0
  });
});
