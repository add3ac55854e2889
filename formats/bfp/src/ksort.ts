/**
 * Channel reordering of "Accurate Block Quantization in LLMs with Outliers" (Trukhanov & Soloveychik,
 * arXiv 2403.20137, "K-sort"): channels are sorted by magnitude before blocking so that outlier channels
 * share blocks and the remaining blocks get a small shared exponent. The permutation is computed once per
 * tensor from per-channel L2 norms over all rows, stored once, and undone on decode.
 * Worked example, 4 channels with norms [1, 9, 3, 9]: descending, ties by index → perm [1, 3, 2, 0];
 * row [a, b, c, d] is stored as [b, d, c, a].
 */
import { BitReader, BitWriter, QbenchError } from '@qbench/core';

/** Bits per permutation entry: ceil(log2 channels), at least 1. */
export function permutationEntryBits(channels: number): number {
  return Math.max(1, Math.ceil(Math.log2(channels)));
}

export function permutationBytes(channels: number): number {
  return Math.ceil((channels * permutationEntryBits(channels)) / 8);
}

/** perm[j] = the source channel stored at position j: channels by descending L2 norm, ties by index. */
export function magnitudePermutation(x: Float32Array, channels: number): Uint16Array {
  const norms = new Float64Array(channels);
  for (let i = 0; i < x.length; i++) norms[i % channels]! += x[i]! * x[i]!;
  const order = Array.from({ length: channels }, (_, c) => c);
  order.sort((a, b) => norms[b]! - norms[a]! || a - b);
  return Uint16Array.from(order);
}

export function writePermutation(perm: Uint16Array, out: Uint8Array): void {
  const bits = permutationEntryBits(perm.length);
  const w = new BitWriter(out.subarray(0, permutationBytes(perm.length)));
  for (const p of perm) {
    // BitWriter takes ≤ 8 bits at a time: write low byte first (LSB-first stream), then the rest.
    if (bits > 8) {
      w.write(p & 0xff, 8);
      w.write(p >>> 8, bits - 8);
    } else {
      w.write(p, bits);
    }
  }
}

/** Reads and validates a stored permutation (must be a bijection of 0..channels−1). */
export function readPermutation(q: Uint8Array, channels: number, id: string): Uint16Array {
  const bits = permutationEntryBits(channels);
  const r = new BitReader(q.subarray(0, permutationBytes(channels)));
  const perm = new Uint16Array(channels);
  const seen = new Uint8Array(channels);
  for (let j = 0; j < channels; j++) {
    const p = bits > 8 ? r.read(8) | (r.read(bits - 8) << 8) : r.read(bits);
    if (p >= channels || seen[p]) {
      throw new QbenchError(
        'bfp.permutation',
        `${id}: stored permutation entry ${j} is ${p}, ${p >= channels ? `outside 0..${channels - 1}` : 'a duplicate'} (not a bijection)`,
        { format: id, index: j, got: p },
      );
    }
    seen[p] = 1;
    perm[j] = p;
  }
  return perm;
}
