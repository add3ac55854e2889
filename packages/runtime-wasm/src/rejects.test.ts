/**
 * What the conformance case list cannot reach for kernels whose side info or codes random bytes almost never
 * make valid: PVQ decode over uniformly drawn valid CWRS indices (every limb of the multi-precision
 * unranking, indices around 2^64, 0 and V − 1), and inputs the reference rejects (an index ≥ V(N,K), a
 * NaN gainMax, a K-sort permutation that is not a bijection, a length that is not whole rows), which the
 * kernels must reject too rather than decode to something.
 */
import {
  type DecodeKernel,
  type DotKernel,
  FORMAT_SPECS,
  type FormatId,
  generate,
  loadFormat,
  SplitMix64,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { wasmKernels } from './registry.ts';

const kernels = await wasmKernels();
const decoder = async (format: FormatId) =>
  (await kernels.find((k) => k.id === `${format}/decode/wasm-simd128`)!.load()) as DecodeKernel;
const bits = (y: Float32Array) => new Uint32Array(y.buffer, y.byteOffset, y.length);

/** V(N,K) by Fischer's recurrence N(l,k) = N(l−1,k) + N(l−1,k−1) + N(l,k−1), independent of the kernels' U table. */
function pyramidSize(n: number, k: number): bigint {
  let row: bigint[] = Array.from({ length: k + 1 }, (_, j) => (j === 0 ? 1n : 0n));
  for (let l = 1; l <= n; l++) {
    const next = [1n];
    for (let j = 1; j <= k; j++) next.push(row[j]! + row[j - 1]! + next[j - 1]!);
    row = next;
  }
  return row[k]!;
}

interface PvqShape {
  groupSize: number;
  pulses: number;
  gainBits: number;
  indexBits: number;
  groupsPerBlock: number;
}

/** gainMax, then per block the G gain codes and the G indices as one LSB-first bit stream (the spec's packing). */
function pvqBytes(
  p: PvqShape,
  blockBytes: number,
  gainMax: number,
  gains: number[],
  indices: bigint[],
): Uint8Array {
  const blocks = indices.length / p.groupsPerBlock;
  const out = new Uint8Array(4 + blocks * blockBytes);
  new DataView(out.buffer).setFloat32(0, gainMax, true);
  for (let b = 0; b < blocks; b++) {
    let stream = 0n;
    let at = 0n;
    for (let t = 0; t < p.groupsPerBlock; t++, at += BigInt(p.gainBits))
      stream |= BigInt(gains[b * p.groupsPerBlock + t]!) << at;
    for (let t = 0; t < p.groupsPerBlock; t++, at += BigInt(p.indexBits))
      stream |= indices[b * p.groupsPerBlock + t]! << at;
    for (let i = 0; i < blockBytes; i++)
      out[4 + b * blockBytes + i] = Number((stream >> BigInt(8 * i)) & 0xffn);
  }
  return out;
}

const pvqFormats = (Object.keys(FORMAT_SPECS) as FormatId[]).filter(
  (id) => FORMAT_SPECS[id].family === 'pvq' && kernels.some((k) => k.id === `${id}/decode/wasm-simd128`),
);

describe.skipIf(pvqFormats.length === 0)('pvq wasm decode beyond reference-encoded data', () => {
  for (const id of pvqFormats) {
    const spec = FORMAT_SPECS[id];
    const p = spec.params as unknown as PvqShape;
    const v = pyramidSize(p.groupSize, p.pulses);
    const blocks = 9;
    const groups = blocks * p.groupsPerBlock;
    const n = blocks * spec.layout.blockElements;

    it(`${id}: uniform valid indices (0, V − 1, around 2^64 included) decode bit-exactly`, async () => {
      const ref = (await loadFormat(id)).reference;
      const rng = new SplitMix64(0x9e37 + p.pulses);
      const edges = [0n, v - 1n, (1n << 64n) - 1n, 1n << 64n, (1n << 64n) + 1n, (1n << 32n) - 1n].filter(
        (x) => x < v,
      );
      const indices = Array.from({ length: groups }, (_, i) =>
        i < edges.length ? edges[i]! : ((rng.nextBigInt() << 64n) | rng.nextBigInt()) % v,
      );
      const levels = 2 ** p.gainBits - 1;
      const gains = Array.from({ length: groups }, (_, i) =>
        i % 7 === 0 ? 0 : i % 7 === 1 ? levels : rng.nextHalves()[1]! % (levels + 1),
      );
      const q = pvqBytes(p, spec.layout.blockBytes, 1.75, gains, indices);
      const want = ref.decode(q, n);
      const got = await (await decoder(id)).decode(q, n);
      expect(bits(got)).toEqual(bits(want));
    });

    it(`${id}: an index ≥ V(N,K) and a NaN gainMax are rejected, as the reference rejects them`, async () => {
      const ref = (await loadFormat(id)).reference;
      const k = await decoder(id);
      const gains = new Array<number>(groups).fill(3);
      const indices = new Array<bigint>(groups).fill(5n);
      indices[groups - 1] = v; // the first non-codeword, in the last group
      const bad = pvqBytes(p, spec.layout.blockBytes, 1, gains, indices);
      expect(() => ref.decode(bad, n)).toThrow(/not below V/);
      expect(() => k.decode(bad, n)).toThrow(/trapped/);
      const nan = pvqBytes(p, spec.layout.blockBytes, Number.NaN, gains, new Array<bigint>(groups).fill(5n));
      expect(() => ref.decode(nan, n)).toThrow(/gainMax/);
      expect(() => k.decode(nan, n)).toThrow(/trapped/);
      // −0 passes the reference's `gainMax >= 0` and decodes to +0 everywhere
      const negZero = pvqBytes(p, spec.layout.blockBytes, -0, gains, new Array<bigint>(groups).fill(5n));
      expect(bits(await k.decode(negZero, n))).toEqual(bits(ref.decode(negZero, n)));
    });
  }
});

describe.skipIf(!kernels.some((k) => k.id === 'bfp12_ksort/decode/wasm-simd128'))(
  'bfp12_ksort wasm decode rejects what the reference rejects',
  () => {
    it('a permutation with a repeated or out-of-range entry, and a length that is not whole rows', async () => {
      const format = await loadFormat('bfp12_ksort');
      const k = await decoder('bfp12_ksort');
      const channels = (format.spec.params as { channels: number }).channels;
      const n = 2 * channels;
      const good = format.reference.encode(new Float32Array(n).map((_, i) => Math.sin(i)));
      expect(bits(await k.decode(good, n))).toEqual(bits(format.reference.decode(good, n)));
      const dup = good.slice();
      dup[0] = good[1]!; // entry 0's low byte from entry 1's byte: a different, already used or invalid entry
      expect(() => format.reference.decode(dup, n)).toThrow(/permutation/);
      expect(() => k.decode(dup, n)).toThrow(/trapped/);
      // one block of 32: the reference sizes tensors in whole rows of 128 channels
      const header = format.reference.encodedBytes(channels) - (channels / 32) * format.blockBytes;
      const short = good.subarray(0, header + format.blockBytes);
      expect(() => format.reference.decode(short, 32)).toThrow(/channel count/);
      expect(() => k.decode(short, 32)).toThrow(/trapped/);
    });
  },
);

describe('a dot takes the rows × n matrix as one tensor, sized as the reference encodes it', () => {
  it.each(['mwq_r4', 'nf4_dq', 'nvfp4_torchao', 'q4_0'] as const)(
    '%s: the one-tensor encoding is accepted; rows encoded one by one, a short buffer and no rows are not',
    async (id) => {
      const format = await loadFormat(id);
      const dot = (await kernels.find((k) => k.id === `${id}/dot/wasm-simd128`)!.load()) as DotKernel;
      const n = 2 * Math.max(format.blockElements, 128);
      const rows = 3;
      const x = generate({ kind: 'gaussian' }, rows * n, 5);
      const y = generate({ kind: 'gaussian' }, n, 6);
      const matrix = format.reference.encode(x, { nPerRow: n });
      expect(matrix.byteLength).toBe(format.reference.encodedBytes(rows * n));
      expect((await dot.dot(matrix, y, rows)).length).toBe(rows);
      const need = new RegExp(`${id}: 3 rows of ${n} elements need ${matrix.byteLength} bytes, got `);
      // each row as a tensor of its own: the same bytes only where side info is per block (q4_0); mwq's
      // are as many bytes laid out differently (the conformance values catch that), the others a named error
      const perRow = Array.from({ length: rows }, (_, r) =>
        format.reference.encode(x.subarray(r * n, (r + 1) * n)),
      );
      const joined = new Uint8Array(perRow.reduce((s, b) => s + b.byteLength, 0));
      let at = 0;
      for (const b of perRow) {
        joined.set(b, at);
        at += b.byteLength;
      }
      if (joined.byteLength === matrix.byteLength)
        expect(joined.every((b, i) => b === matrix[i])).toBe(id === 'q4_0');
      else expect(() => dot.dot(joined, y, rows)).toThrow(need);
      expect(() => dot.dot(matrix.subarray(1), y, rows)).toThrow(need);
      expect(() => dot.dot(matrix, y, 0)).toThrow(`${id}: rows must be a positive integer, got 0`);
    },
  );
});
