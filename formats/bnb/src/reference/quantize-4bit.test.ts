/**
 * The 4-bit reference, exhaustively where the domain is small: every code decodes to its table value,
 * every decision threshold and its float32 neighbours land on the right code, and the special cases the
 * CUDA kernel defines (zero blocks, NaN, Inf, odd length, reciprocal-then-multiply) behave as it does.
 */
import { bitsToF32, f32ToBits } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../generated/specs.ts';
import { fourBitCode } from '../params.ts';
import { dequantize4bit, quantize4bit, quantizeScaledFp4, quantizeScaledNf4 } from './quantize-4bit.ts';

const f = Math.fround;
const nf4 = fourBitCode('nf4');
const fp4 = fourBitCode('fp4');

/** The next float32 above / below a finite float32 value. */
function nextUp(x: number): number {
  if (x === 0) return bitsToF32(1);
  const b = f32ToBits(x);
  return bitsToF32(x > 0 ? b + 1 : b - 1);
}
function nextDown(x: number): number {
  return -nextUp(-x);
}

function codesOf(codes: Uint8Array, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i & 1 ? codes[i >> 1]! & 15 : codes[i >> 1]! >> 4));
}

describe('decode tables', () => {
  it('every NF4 code decodes to its lut value times absmax (one float32 multiply)', () => {
    for (const absmax of [1, 0.5, 3, 1e-20, 7.25e30]) {
      const codes = Uint8Array.from({ length: 8 }, (_, j) => ((2 * j) << 4) | (2 * j + 1));
      const out = dequantize4bit(codes, Float32Array.of(absmax), 16, nf4.lut, 64);
      for (let c = 0; c < 16; c++)
        expect(f32ToBits(out[c]!)).toBe(f32ToBits(f(TABLES.nf4.lut[c]! * f(absmax))));
    }
    expect(Array.from(nf4.lut.slice(0, 1))).toEqual([-1]);
    expect(nf4.lut[7]).toBe(0);
    expect(nf4.lut[15]).toBe(1);
  });

  it('every FP4 code decodes to ±lutMagnitude[code & 7] with the sign in bit 3 (code 8 is −0)', () => {
    const codes = Uint8Array.from({ length: 8 }, (_, j) => ((2 * j) << 4) | (2 * j + 1));
    const out = dequantize4bit(codes, Float32Array.of(2), 16, fp4.lut, 64);
    for (let c = 0; c < 16; c++) {
      const mag = TABLES.fp4.lutMagnitude[c & 7]!;
      expect(Object.is(out[c], f((c & 8 ? -mag : mag) * 2))).toBe(true);
    }
    expect(Object.is(out[8], -0)).toBe(true);
  });

  it('NF4 lut and thresholds interleave: each threshold lies strictly between neighbouring codes', () => {
    for (let i = 0; i < 15; i++) {
      expect(nf4.lut[i]!).toBeLessThan(nf4.thresholds[i]!);
      expect(nf4.thresholds[i]!).toBeLessThan(nf4.lut[i + 1]!);
    }
  });

  it('FP4 magnitudes ordered by rank are increasing and the thresholds separate them', () => {
    const byRank = Array.from(TABLES.fp4.codeByRank, (c) => TABLES.fp4.lutMagnitude[c]!);
    for (let r = 0; r < 7; r++) {
      expect(byRank[r]!).toBeLessThan(fp4.thresholds[r]!);
      expect(fp4.thresholds[r]!).toBeLessThan(byRank[r + 1]!);
    }
    // {0, 0.0625, 8, 12, 4, 6, 2, 3}/12 in code order.
    expect(Array.from(TABLES.fp4.lutMagnitude)).toEqual([0, 0.0625, 8, 12, 4, 6, 2, 3].map((v) => f(v / 12)));
  });

  it('bnb FP4 is not OCP E2M1: other code order and another smallest magnitude', () => {
    const e2m1 = Array.from(TABLES.fp4.e2m1Magnitude, (v) => f(v / 6));
    const bnb = Array.from(TABLES.fp4.lutMagnitude);
    expect(bnb).not.toEqual(e2m1);
    const sortedBnb = [...bnb].sort((a, b) => a - b);
    const sortedE2m1 = [...e2m1].sort((a, b) => a - b);
    // Same normal magnitudes up to the scale, but 1/192 instead of 1/12 as the smallest non-zero one.
    expect(sortedBnb.slice(2)).toEqual(sortedE2m1.slice(2));
    expect(sortedBnb[1]).toBe(f(1 / 192));
    expect(sortedE2m1[1]).toBe(f(1 / 12));
  });
});

describe('decision thresholds', () => {
  it('NF4: a value exactly on threshold i takes code i (ties go low), one ulp above takes i + 1', () => {
    for (let i = 0; i < 15; i++) {
      const t = nf4.thresholds[i]!;
      expect(quantizeScaledNf4(t, nf4.thresholds)).toBe(i);
      expect(quantizeScaledNf4(nextDown(t), nf4.thresholds)).toBe(i);
      expect(quantizeScaledNf4(nextUp(t), nf4.thresholds)).toBe(i + 1);
    }
  });

  it('NF4: the device constants, not Math.fround of the decimal literals (indices 0, 8, 12, 14 differ by one ulp)', () => {
    // The literals of dQuantizeNF4 in csrc/kernels.cu.
    const literals = [
      -0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544,
      -0.23460740596055984, -0.13791173323988914, -0.045525018125772476, 0.03979014977812767,
      0.1202552504837513, 0.2035212516784668, 0.2920137718319893, 0.3893125355243683, 0.5016634166240692,
      0.6427869200706482, 0.8614784181118011,
    ];
    const differ = literals.map((l, i) => (f(l) === nf4.thresholds[i] ? -1 : i)).filter((i) => i >= 0);
    expect(differ).toEqual([0, 8, 12, 14]);
    for (const i of differ)
      expect(Math.abs(f32ToBits(f(literals[i]!)) - f32ToBits(nf4.thresholds[i]!))).toBe(1);
  });

  it('FP4: each magnitude threshold and its neighbours, both signs', () => {
    const rank = TABLES.fp4.codeByRank;
    for (let r = 0; r < 7; r++) {
      const t = fp4.thresholds[r]!;
      for (const [v, want] of [
        [t, rank[r]!],
        [nextDown(t), rank[r]!],
        [nextUp(t), rank[r + 1]!],
      ] as const) {
        expect(quantizeScaledFp4(v, fp4.thresholds, rank)).toBe(want);
        expect(quantizeScaledFp4(-v, fp4.thresholds, rank)).toBe(want | 8);
      }
    }
  });

  it('scaled values of every code map back to that code (NF4 all 16, FP4 all but −0)', () => {
    for (let c = 0; c < 16; c++) expect(quantizeScaledNf4(nf4.lut[c]!, nf4.thresholds)).toBe(c);
    for (let c = 0; c < 16; c++) {
      if (c === 8) continue;
      expect(quantizeScaledFp4(fp4.lut[c]!, fp4.thresholds, TABLES.fp4.codeByRank)).toBe(c);
    }
    // −0.0 is not < 0, so it takes the positive zero code; NaN fails every comparison.
    expect(quantizeScaledFp4(-0, fp4.thresholds, TABLES.fp4.codeByRank)).toBe(0);
    expect(quantizeScaledFp4(Number.NaN, fp4.thresholds, TABLES.fp4.codeByRank)).toBe(0);
    expect(quantizeScaledNf4(Number.NaN, nf4.thresholds)).toBe(0);
    expect(quantizeScaledNf4(-0, nf4.thresholds)).toBe(7);
  });
});

describe('blockwise quantization', () => {
  it('scales by the float32 reciprocal then multiplies (x·(1/a)), not x/a: a case where they disagree', () => {
    // Found by search: x/3 and x·fround(1/3) round to different sides of an NF4 threshold.
    const x = f(-1.83189857006073);
    const a = 3;
    const block = new Float32Array(64);
    block[0] = a;
    block[1] = x;
    const viaReciprocal = quantizeScaledNf4(f(x * f(1 / a)), nf4.thresholds);
    const viaDivision = quantizeScaledNf4(f(x / a), nf4.thresholds);
    expect(viaReciprocal).not.toBe(viaDivision);
    expect(codesOf(quantize4bit(block, nf4, 64).codes, 2)).toEqual([15, viaReciprocal]);
  });

  it('all-zero blocks follow the CUDA path: NF4 code 0 (−1.0) decoding to −0, FP4 code 0 decoding to +0', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? -0 : 0));
    const n = quantize4bit(x, nf4, 64);
    expect(n.absmax[0]).toBe(0);
    expect(new Set(n.codes)).toEqual(new Set([0]));
    const outN = dequantize4bit(n.codes, n.absmax, 64, nf4.lut, 64);
    expect(Array.from(outN).every((v) => Object.is(v, -0))).toBe(true);
    const p = quantize4bit(x, fp4, 64);
    expect(new Set(p.codes)).toEqual(new Set([0]));
    expect(Array.from(dequantize4bit(p.codes, p.absmax, 64, fp4.lut, 64)).every((v) => Object.is(v, 0))).toBe(
      true,
    );
  });

  it('odd length: the last low nibble is the code of a 0.0 pad; a partial block counts pads as 0 in absmax', () => {
    const x = Float32Array.of(0.5, -1, 0.25);
    const r = quantize4bit(x, nf4, 64);
    expect(r.codes.length).toBe(2);
    expect(r.absmax[0]).toBe(1);
    expect(codesOf(r.codes, 4)).toEqual([
      quantizeScaledNf4(0.5, nf4.thresholds),
      0,
      quantizeScaledNf4(0.25, nf4.thresholds),
      7,
    ]);
    const padded = quantize4bit(x, nf4, 64, { padToBlock: true });
    expect(padded.codes.length).toBe(32);
    expect(codesOf(padded.codes, 64).slice(3)).toEqual(new Array(61).fill(7));
  });

  it('NaN (propagated) is ignored by absmax and takes code 0; an all-NaN block has absmax −FLT_MAX', () => {
    const x = new Float32Array(128);
    x[0] = Number.NaN;
    x[1] = 2;
    x.fill(Number.NaN, 64);
    const r = quantize4bit(x, nf4, 64);
    expect(r.absmax[0]).toBe(2);
    expect(codesOf(r.codes, 2)).toEqual([0, 15]);
    expect(r.absmax[1]).toBe(-f(3.4028234663852886e38));
  });

  it('Inf (propagated): absmax inf, inv 0, the inf element NaN-scaled to code 0, finite elements to ±0', () => {
    const x = new Float32Array(64).fill(0.5);
    x[3] = Number.POSITIVE_INFINITY;
    const r = quantize4bit(x, nf4, 64);
    expect(r.absmax[0]).toBe(Number.POSITIVE_INFINITY);
    const codes = codesOf(r.codes, 64);
    expect(codes[3]).toBe(0);
    expect(codes[0]).toBe(7);
    const out = dequantize4bit(r.codes, r.absmax, 64, nf4.lut, 64);
    expect(out[3]).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(out[0]!)).toBe(true);
  });

  it('is deterministic and block-local: changing one block changes only its own codes and absmax', () => {
    const x = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i * 0.37) * (1 + (i >> 6)));
    const a = quantize4bit(x, nf4, 64);
    const b = quantize4bit(x, nf4, 64);
    expect(b.codes).toEqual(a.codes);
    const y = x.slice();
    y[70] = 100;
    const c = quantize4bit(y, nf4, 64);
    expect(Array.from(c.absmax)).toEqual([a.absmax[0], 100, a.absmax[2], a.absmax[3]]);
    expect(c.codes.subarray(0, 32)).toEqual(a.codes.subarray(0, 32));
    expect(c.codes.subarray(64)).toEqual(a.codes.subarray(64));
  });
});
