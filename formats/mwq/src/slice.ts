/**
 * Slicing an r-bit model out of the 8-bit master (MatQuant / MatGPTQ matryoshka_slice):
 *   'round'    S(q, r) = clamp(⌊q / 2^(8−r)⌋ + bit(q, 8−r−1), 0, 2^r − 1)   round half up, then clamp
 *   'truncate' S(q, r) = ⌊q / 2^(8−r)⌋                                      a pure MSB prefix
 * and ŵ_r = α·(S·2^(8−r) − z) with the master's α and z. Always slice from the master: under rounding
 * slicing is not transitive (S(S(q,8→4),4→2) ≠ S(q,8→2) for some q); only truncation is.
 */
import { QbenchError } from '@qbench/core';
import { MASTER_BITS } from './master.ts';

export const SLICE_MODES = ['round', 'truncate'] as const;
export type SliceMode = (typeof SLICE_MODES)[number];

export function checkBits(r: number): void {
  if (!Number.isInteger(r) || r < 1 || r > MASTER_BITS) {
    throw new QbenchError('mwq.bits', `slice width r must be an integer in 1..${MASTER_BITS}, got ${r}`, {
      r,
    });
  }
}

/** Slice one code of a `from`-bit integer down to r bits (from = 8 for the master). */
export function sliceCode(q: number, r: number, mode: SliceMode = 'round', from = MASTER_BITS): number {
  checkBits(r);
  if (!Number.isInteger(q) || q < 0 || q >= 2 ** from || r > from) {
    throw new QbenchError('mwq.code', `cannot slice ${from}-bit code ${q} to ${r} bits`, { q, from, r });
  }
  const drop = from - r;
  const floor = q >> drop;
  if (drop === 0 || mode === 'truncate') return floor;
  const roundBit = (q >> (drop - 1)) & 1;
  return Math.min(2 ** r - 1, floor + roundBit);
}

export function sliceCodes(codes: Uint8Array, r: number, mode: SliceMode = 'round'): Uint8Array {
  checkBits(r);
  const table = new Uint8Array(256);
  for (let q = 0; q < 256; q++) table[q] = sliceCode(q, r, mode);
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]!]!;
  return out;
}

/** ŵ = α·(S·2^(8−r) − z) per group, float32. */
export function dequantizeSlice(
  sliced: Uint8Array,
  r: number,
  scales: Float32Array,
  zeros: Uint8Array,
  groupSize: number,
): Float32Array {
  const out = new Float32Array(sliced.length);
  const shift = MASTER_BITS - r;
  for (let i = 0; i < sliced.length; i++) {
    const g = Math.floor(i / groupSize);
    out[i] = scales[g]! * ((sliced[i]! << shift) - zeros[g]!); // exact integer times α, rounded once on store
  }
  return out;
}
