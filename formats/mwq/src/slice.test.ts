import { FORMAT_SPECS, generate, loadFormat, nmse, qbenchErrorOf, type ResolvedSpec } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { decodeFromMasterPrefix, MwqCodec, masterPrefixBytes } from './codec.ts';
import { quantizeMaster, roundHalfEven } from './master.ts';
import { packPlanes, unpackPlanes } from './planes.ts';
import { dequantizeSlice, sliceCode, sliceCodes } from './slice.ts';
import { parseMwqId } from './spec.ts';

const specs = Object.values(FORMAT_SPECS).filter(
  (s) => s.family === 'mwq' && s.id.startsWith('mwq_'),
) as ResolvedSpec[];

const qbenchMessage = (fn: () => unknown): string => qbenchErrorOf(fn).message;

describe('slicing the int8 master', () => {
  it('round half up then clamp, for all 256 codes and r = 2..8 (MatGPTQ matryoshka_slice)', () => {
    for (let r = 2; r <= 8; r++) {
      for (let q = 0; q < 256; q++) {
        // Independent formula: round half up of q/2^(8−r), clamped to the top code.
        const want = Math.min(2 ** r - 1, Math.floor(q / 2 ** (8 - r) + 0.5));
        expect(sliceCode(q, r)).toBe(want);
        expect(sliceCode(q, r, 'truncate')).toBe(q >> (8 - r));
      }
    }
    expect(sliceCode(255, 2)).toBe(3); // round(3.98) = 4 overflows and is clamped
    expect(sliceCode(0b1010_0000, 2)).toBe(3); // half (0b10.1) rounds up
    expect(sliceCode(0b1001_1111, 2)).toBe(2);
  });

  it('is not transitive under rounding (8→4→2 ≠ 8→2) but is under truncation', () => {
    let differ = 0;
    for (let q = 0; q < 256; q++) {
      if (sliceCode(sliceCode(q, 4), 2, 'round', 4) !== sliceCode(q, 2)) differ++;
      expect(sliceCode(sliceCode(q, 4, 'truncate'), 2, 'truncate', 4)).toBe(sliceCode(q, 2, 'truncate'));
    }
    expect(differ).toBe(24);
    // q = 0101_1000: 8→2 directly is 01 + bit 5 (0) = 1; via 4 bits, 0101 + 1 = 0110, then 01 + 1 = 2.
    expect(sliceCode(0b0101_1000, 2)).toBe(1);
    expect(sliceCode(sliceCode(0b0101_1000, 4), 2, 'round', 4)).toBe(2);
  });

  it('dequantizes every r with the master scale and zero point', () => {
    const scales = Float32Array.of(0.5);
    const zeros = Uint8Array.of(100);
    const sliced = Uint8Array.of(0, 3, 7);
    expect([...dequantizeSlice(sliced, 3, scales, zeros, 128)]).toEqual([
      0.5 * -100,
      0.5 * (96 - 100),
      0.5 * (224 - 100),
    ]);
  });
});

describe('bit planes', () => {
  it('store the most significant plane first, weight i at bit i mod 8', () => {
    const codes = Uint8Array.of(0b101, 0b011, 0b110, 0, 0, 0, 0, 0, 0b111);
    const p = packPlanes(codes, 3);
    expect([...p]).toEqual([0b101, 0b1, 0b110, 0b1, 0b011, 0b1]);
    expect([...unpackPlanes(p, 9, 3)]).toEqual([...codes]);
    expect([...unpackPlanes(p, 9, 3, 1)]).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 1]);
  });
});

describe('mwq codec', () => {
  it('lists the master and the sliced widths with derived bits/weight', () => {
    const bpw = Object.fromEntries(specs.map((s) => [s.id, s.derived.bitsPerWeight]));
    expect(bpw).toMatchObject({
      mwq_8: 8 + 40 / 128,
      mwq_r4: 4 + 40 / 128,
      mwq_r2: 2 + 40 / 128,
      mwq_r4_trunc: 4 + 40 / 128,
    });
    for (const s of specs) {
      const { derived: _d, ...file } = s;
      const { derived: _b, ...built } = parseMwqId(s.id)!;
      expect(file).toEqual(built);
    }
    expect(parseMwqId('mwq_r3_trunc')?.derived.bitsPerWeight).toBe(3 + 40 / 128);
    expect(parseMwqId('mwq_r8')).toBeUndefined();
    expect(parseMwqId('mwq_r9')).toBeUndefined();
  });

  it('the master follows GPTQ min-max (0 inside the range, z in a byte, ties to even)', () => {
    const x = new Float32Array(128);
    x[0] = -1;
    x[1] = 3;
    x[2] = 1;
    const m = quantizeMaster(x, 128);
    expect(m.scales[0]).toBe(Math.fround(4 / 255));
    expect(m.zeros[0]).toBe(roundHalfEven(Math.fround(1 / Math.fround(4 / 255))));
    expect([m.codes[0], m.codes[1], m.codes[3]]).toEqual([0, 255, m.zeros[0]]);
    // All-zero group: α = 1, z = 0, so every slice decodes to exact zeros.
    const zero = quantizeMaster(new Float32Array(128), 128);
    expect([zero.scales[0], zero.zeros[0], zero.codes[0]]).toEqual([1, 0, 0]);
    for (const id of ['mwq_8', 'mwq_r2', 'mwq_r3_trunc', 'mwq_r7']) {
      const codec = parseMwqId(id)!;
      const fmt = new MwqCodec(codec);
      expect(fmt.decode(fmt.encode(new Float32Array(256)), 256).every((v) => Object.is(v, 0))).toBe(true);
    }
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(-2.5)).toBe(-2);
    expect(roundHalfEven(3.5)).toBe(4);
  });

  it('r-bit stream = ⌈n·r/8⌉ + 5 bytes per group, and equals the r-bit model read from a master prefix', async () => {
    const x = generate({ kind: 'gaussian' }, 128 * 24, 5);
    const master = (await loadFormat('mwq_8')).reference.encode(x);
    for (const [id, r, mode] of [
      ['mwq_r4', 4, 'round'],
      ['mwq_r2', 2, 'round'],
      ['mwq_r4_trunc', 4, 'truncate'],
      ['mwq_8', 8, 'round'],
    ] as const) {
      const fmt = await loadFormat(id);
      const q = fmt.reference.encode(x);
      expect(q.length).toBe((x.length * r) / 8 + 5 * 24);
      const y = fmt.reference.decode(q, x.length);
      const prefix = master.subarray(0, masterPrefixBytes(x.length, r, mode));
      expect([...decodeFromMasterPrefix(prefix, x.length, r, mode)]).toEqual([...y]);
      // The codes are the slices of the master codes.
      const m = quantizeMaster(x, 128);
      expect([...unpackPlanes(q.subarray(120), x.length, r)]).toEqual([...sliceCodes(m.codes, r, mode)]);
    }
    expect(masterPrefixBytes(x.length, 4, 'round')).toBe(120 + 5 * 384);
    expect(
      qbenchMessage(() => decodeFromMasterPrefix(master.subarray(0, 100), x.length, 4, 'round')),
    ).toMatch(/needs the first 2040 bytes/);
  });

  it('anchors on N(0,1), group 128: NMSE ≈ 9.8e-3 at r = 4 and ≈ 0.17 at r = 2 (±2%)', async () => {
    const x = generate({ kind: 'gaussian' }, 128 * 8000, 77);
    const got: Record<string, number> = {};
    for (const id of ['mwq_r4', 'mwq_r2', 'mwq_r4_trunc', 'mwq_8']) {
      const fmt = await loadFormat(id);
      got[id] = nmse(x, fmt.reference.decode(fmt.reference.encode(x), x.length));
    }
    expect(Math.abs(got['mwq_r4']! / 9.8e-3 - 1)).toBeLessThan(0.02);
    expect(Math.abs(got['mwq_r2']! / 0.1695 - 1)).toBeLessThan(0.02);
    expect(Math.abs(got['mwq_r4_trunc']! / 3.28e-2 - 1)).toBeLessThan(0.03);
    expect(Math.abs(got['mwq_8']! / 3.4e-5 - 1)).toBeLessThan(0.05);
  });

  it('rejects bad input naming it', async () => {
    const fmt = await loadFormat('mwq_r4');
    expect(qbenchMessage(() => fmt.reference.encode(new Float32Array(100)))).toMatch(
      /100 values is not a whole number of 128/,
    );
    const x = new Float32Array(256);
    x[130] = Number.NaN;
    expect(qbenchMessage(() => fmt.reference.encode(x))).toMatch(/element 130 \(group 1\) is NaN/);
    const q = fmt.reference.encode(new Float32Array(128));
    expect(qbenchMessage(() => fmt.reference.decode(q.subarray(1), 128))).toMatch(/need 69 bytes, got 68/);
    expect(qbenchMessage(() => sliceCode(256, 4))).toMatch(/8-bit code 256/);
    expect(qbenchMessage(() => sliceCode(3, 9))).toMatch(/r must be an integer in 1..8, got 9/);
  });
});
