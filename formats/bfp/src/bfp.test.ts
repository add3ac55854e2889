import {
  generate,
  loadFormat,
  qbenchErrorOf,
  type ReferenceCodec,
  type ResolvedSpec,
  sqnrDb,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { type BfpParams, blockBytes, decodeBfpBlock, encodeBfpBlock } from './block.ts';
import { bfpCodec } from './codec.ts';
import { SPECS } from './generated/specs.ts';
import family from './index.ts';
import { magnitudePermutation } from './ksort.ts';

const spec = (id: string) => (SPECS as Record<string, ResolvedSpec>)[id] ?? family.parseDynamicId!(id)!;
const codec = (id: string): ReferenceCodec => bfpCodec(spec(id));
const roundTrip = (c: ReferenceCodec, x: Float32Array) => c.decode(c.encode(x), x.length);

const throwsQ = (f: () => unknown, re: RegExp): void => void expect(qbenchErrorOf(f).message).toMatch(re);

describe('BFP block', () => {
  it('worked example (MSFP12): [1.5, −0.3, 0.06, 0 …] → exponent 127, codes 6, 9, 0', () => {
    const x = new Float32Array(16);
    x.set([1.5, -0.3, 0.06]);
    const q = codec('msfp12').encode(x);
    expect(q.length).toBe(9);
    expect(q[0]).toBe(127);
    expect(q[1]).toBe(0x96); // element 0 = 0b0110 low nibble, element 1 = 0b1001 high nibble
    expect(q[2]).toBe(0x00);
    expect(Array.from(codec('msfp12').decode(q, 16).subarray(0, 4))).toEqual([1.5, -0.25, 0, 0]);
  });

  it('exhaustive: every (exponent, code pair) of a 2-element m=3 block decodes by formula; canonical ones re-encode', () => {
    const p: BfpParams = { blockSize: 2, mbits: 3, rounding: 'nearest-even' };
    const q = new Uint8Array(blockBytes(p));
    const y = new Float32Array(2);
    const back = new Uint8Array(q.length);
    let canonical = 0;
    const bad: string[] = [];
    for (let e = 0; e < 255; e++) {
      for (let codes = 0; codes < 256; codes++) {
        q[0] = e;
        q[1] = codes;
        decodeBfpBlock(p, q, 0, y, 0);
        const val = (c: number) => (c & 8 ? -1 : 1) * (c & 7) * 2 ** (e - 127 - 2);
        if (!Object.is(y[0], val(codes & 15)) || !Object.is(y[1], val(codes >> 4)))
          bad.push(`decode ${e}/${codes}`);
        // Canonical: the largest magnitude has its leading bit set (k ≥ 4), or the block is zero at e = 0.
        const kmax = Math.max(codes & 7, (codes >> 4) & 7);
        if (kmax >= 4 || (kmax === 0 && e === 0)) {
          encodeBfpBlock(p, y, back, 0);
          if (back[0] !== q[0] || back[1] !== q[1]) bad.push(`re-encode ${e}/${codes}`);
          canonical++;
        }
      }
    }
    // Independent count: per exponent, the pairs whose larger magnitude has its leading bit set, plus the
    // four signed all-zero blocks at exponent byte 0.
    let expected = 0;
    for (let a = 0; a < 16; a++) for (let b = 0; b < 16; b++) if (Math.max(a & 7, b & 7) >= 4) expected++;
    expect(canonical).toBe(255 * expected + 4);
    expect(bad).toEqual([]);
  });

  it('rounding modes on exact ties; clamp at (2^m − 1)·scale', () => {
    const x = new Float32Array(16);
    x.set([1, 0.375, 0.625, -0.625, 1.99]); // e = 0, scale 0.25: 1.5, 2.5, −2.5 quanta; 1.99 → 7.96
    const dec = (suffix: string) => Array.from(roundTrip(codec(`bfp_b16_m3${suffix}`), x).subarray(0, 5));
    expect(dec('')).toEqual([1, 0.5, 0.5, -0.5, 1.75]);
    expect(dec('_rna')).toEqual([1, 0.5, 0.75, -0.75, 1.75]);
    expect(dec('_rtz')).toEqual([1, 0.25, 0.5, -0.5, 1.75]);
    expect(roundTrip(codec('msfp12'), x)).toEqual(roundTrip(codec('bfp_b16_m3_rne'), x));
  });

  it('brute force: each element is the nearest multiple of the block quantum (ties even), clamped', () => {
    const x = generate({ kind: 'laplace' }, 16 * 400, 7);
    const y = roundTrip(codec('msfp12'), x);
    for (let b = 0; b < 400; b++) {
      const blk = x.subarray(b * 16, b * 16 + 16);
      const e = Math.max(...Array.from(blk, (v) => Math.floor(Math.log2(Math.abs(v)))));
      const quantum = 2 ** (e - 2);
      for (let i = 0; i < 16; i++) {
        let best = 0;
        for (let k = 0; k <= 7; k++) {
          const d = Math.abs(Math.abs(blk[i]!) - k * quantum) - Math.abs(Math.abs(blk[i]!) - best * quantum);
          if (d < 0 || (d === 0 && k % 2 === 0)) best = k;
        }
        expect(Math.abs(y[b * 16 + i]!)).toBe(best * quantum);
      }
    }
  });

  it('zero blocks, −0, subnormals, and NaN blocks', () => {
    const c = codec('msfp12');
    const z = new Float32Array(16);
    z[3] = -0;
    const q = c.encode(z);
    expect(q[0]).toBe(0);
    const y = c.decode(q, 16);
    expect(Object.is(y[3], -0)).toBe(true);
    const s = new Float32Array(16);
    s.set([2 ** -130, -(2 ** -127), 2 ** -149]);
    const ys = roundTrip(c, s); // e = −127, quantum 2^−129
    expect(Array.from(ys.subarray(0, 3))).toEqual([0, -(2 ** -127), 0]); // 0.5 quanta ties to 0
    const n = new Float32Array(32);
    n[20] = Number.NaN;
    throwsQ(() => c.encode(n), /element 20 \(block 1\) is NaN/);
    const qn = c.encode(n, { nonFinite: 'propagate' });
    expect(qn[0]).not.toBe(0xff);
    expect(qn[9]).toBe(0xff);
    const yn = c.decode(qn, 32);
    expect(yn.subarray(16).every(Number.isNaN)).toBe(true);
    expect(yn.subarray(0, 16).every((v) => v === 0)).toBe(true);
  });

  it('rejects bad lengths and byte counts, naming expected vs got', () => {
    throwsQ(
      () => codec('msfp16').encode(new Float32Array(15)),
      /length 15 is not a multiple of the block size 16/,
    );
    throwsQ(() => codec('msfp16').decode(new Uint8Array(16), 16), /16 elements need 17 bytes, got 16/);
    throwsQ(
      () => codec('bfp12_ksort').encode(new Float32Array(64)),
      /not a multiple of the channel count 128/,
    );
  });
});

describe('specs and dynamic ids', () => {
  it('bits/weight derive from the layout', () => {
    expect(spec('msfp12').derived.bitsPerWeight).toBe(4.5);
    expect(spec('msfp16').derived.bitsPerWeight).toBe(8.5);
    expect(spec('bfp16').derived.bitsPerWeight).toBe(9);
    expect(spec('bfp12_ksort').derived).toMatchObject({ bitsPerWeight: 4.25, tensorOverheadBits: 896 });
    expect(family.parseDynamicId!('bfp_b64_m3')!.derived.bitsPerWeight).toBe(4.125);
    expect(family.parseDynamicId!('bfp_ksort_c64_b16_m7_rtz')!).toMatchObject({
      params: { blockSize: 16, mbits: 7, rounding: 'toward-zero', channels: 64 },
      derived: { bitsPerWeight: 8.5, tensorOverheadBits: 384 },
    });
  });
  it('rejects malformed and unrepresentable ids', () => {
    for (const id of [
      'bfp_b16_m8',
      'bfp_b3_m3',
      'bfp_b16_m0',
      'bfp_ksort_c100_b16_m3',
      'bfp_b16_m3_rnd',
      'msfp12',
      'bfp_b016_m3',
    ]) {
      expect(family.parseDynamicId!(id), id).toBeUndefined();
    }
  });
  it('resolves through the registry', async () => {
    const f = await loadFormat('bfp_b32_m3');
    expect(f.bitsPerWeight).toBe(4.25);
  });
});

describe('K-sort (Accurate Block Quantization in LLMs with Outliers)', () => {
  it('permutation: descending channel norm, ties by index (worked example)', () => {
    // norms² per channel over two rows: [1, 81, 9, 81]
    const x = new Float32Array([1, 9, 3, 0, 0, 0, 0, 9]);
    expect(Array.from(magnitudePermutation(x, 4))).toEqual([1, 3, 2, 0]);
  });

  it('the permutation is a bijection and decode undoes it exactly', () => {
    const rows = 64;
    const x = generate({ kind: 'student_t', nu: 3 }, rows * 128, 11);
    const c = codec('bfp12_ksort');
    const q = c.encode(x);
    expect(q.length).toBe(112 + (rows * 128 * 17) / 32);
    const perm = magnitudePermutation(x, 128);
    expect(new Set(perm).size).toBe(128);
    // Decode = plain BFP of the permuted rows, scattered back.
    const permuted = new Float32Array(x.length);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < 128; j++) permuted[r * 128 + j] = x[r * 128 + perm[j]!]!;
    const plain = roundTrip(codec('bfp_b32_m3'), permuted);
    const y = c.decode(q, x.length);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < 128; j++) expect(y[r * 128 + perm[j]!]).toBe(plain[r * 128 + j]);
  });

  it('a corrupted permutation (duplicate entry) is rejected by name', () => {
    const c = codec('bfp12_ksort');
    const q = c.encode(generate({ kind: 'gaussian' }, 128, 1));
    q[0] = q[0]! ^ 1; // entry 0 now equals some other entry's value or differs from the stored set
    throwsQ(() => c.decode(q, 128), /stored permutation entry \d+ is \d+, a duplicate/);
  });

  it('is not idempotent: re-encoding re-sorts by the decoded norms; blocks under a fixed permutation are', () => {
    const rows = 512;
    const c = codec('bfp12_ksort');
    const permOf = (q: Uint8Array) => Array.from(q.subarray(0, 112));
    // N(0,1): every channel has nearly the same norm, so quantization noise reorders near-ties.
    const x = generate({ kind: 'gaussian' }, rows * 128, 0x1de0);
    const q1 = c.encode(x);
    const y = c.decode(q1, x.length);
    const q2 = c.encode(y);
    expect(permOf(q2)).not.toEqual(permOf(q1));
    expect(Array.from(magnitudePermutation(y, 128))).not.toEqual(Array.from(magnitudePermutation(x, 128)));
    // The blocks themselves are idempotent: y permuted by q1's order re-encodes to q1's blocks.
    const perm = magnitudePermutation(x, 128);
    const permuted = new Float32Array(y.length);
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < 128; j++) permuted[r * 128 + j] = y[r * 128 + perm[j]!]!;
    expect(codec('bfp_b32_m3').encode(permuted)).toEqual(q1.subarray(112));
  });

  it('beats plain BFP at the same block bits on channel-outlier data (K-cache-like)', () => {
    const rows = 512;
    const x = generate({ kind: 'gaussian' }, rows * 128, 2024);
    const outliers = [5, 37, 70, 101]; // channels ×20, spread over four different blocks of 32
    for (let r = 0; r < rows; r++) for (const ch of outliers) x[r * 128 + ch]! *= 20;
    const sorted = sqnrDb(x, roundTrip(codec('bfp12_ksort'), x));
    const plain = sqnrDb(x, roundTrip(codec('bfp_b32_m3'), x));
    // Deterministic (seeded): plain 14.22 dB, K-sorted 16.50 dB at 4.25 vs 4.25 + 896/65536 = 4.2637 bits/weight.
    expect(plain).toBeCloseTo(14.22, 1);
    expect(sorted).toBeCloseTo(16.5, 1);
    expect(sorted - plain).toBeGreaterThan(2);
  });
});

describe('SQNR on N(0,1), 10^6 samples (digest A §5.2, independent implementation, ±0.3 dB)', () => {
  const x = generate({ kind: 'gaussian' }, 1 << 20, 12345);
  const cases: [string, number][] = [
    ['msfp12', 18.64],
    ['bfp_b64_m3', 16.93],
    ['msfp16', 42.79],
    ['bfp16', 44.11],
  ];
  for (const [id, want] of cases) {
    it(`${id} ≈ ${want} dB`, () => {
      const got = sqnrDb(x, roundTrip(codec(id), x));
      expect(Math.abs(got - want)).toBeLessThan(0.3);
      expect(1 / 10 ** (got / 10)).toBeLessThan(
        (spec(id).tolerance.roundTrip?.maxNmse ?? 1) + (id.startsWith('bfp_') ? 1 : 0),
      );
    });
  }
});
