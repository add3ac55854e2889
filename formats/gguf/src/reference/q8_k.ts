/**
 * Q8_K (ggml-common.h block_q8_K): the activation partner of the k-quants. 256 int8 codes, a float32
 * scale d and 16 int16 block sums (Σ of each group of 16 codes, which the k-quant vec_dots use for the
 * min term); 9.125 bits/weight. quantize_row_q8_K_ref: iscale = −127/max where max is the signed value of
 * largest magnitude, q = min(127, nearest_int(iscale·x)), d = 1/iscale; dequantize_row_q8_K: x = d·q.
 * An all-zero block gets d = 0 and zero codes; ggml leaves its bsums unwritten, qbench writes zeros there.
 */
import { cTrue } from './c-semantics.ts';
import { fround, nearestInt, readF32, readI8, writeF32, writeI8 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 256;
const BYTES = 292;
const OFF_QS = 4;
const OFF_BSUMS = 260;

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let max = 0;
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const ax = Math.abs(x[xo + j]!);
    if (ax > amax) {
      amax = ax;
      max = x[xo + j]!;
    }
  }
  if (!cTrue(amax)) {
    // d = 0 and zero codes as ggml writes them; bsums zero-filled (ggml leaves them unwritten).
    q.fill(0, qo, qo + BYTES);
    return;
  }
  // −127 (not −128) so the largest magnitude maps to ∓127 and codes stay symmetric.
  const iscale = fround(-127 / max);
  for (let j = 0; j < QK; j++) {
    const v = nearestInt(fround(iscale * x[xo + j]!));
    writeI8(q, qo + OFF_QS + j, v < 127 ? v : 127);
  }
  // Group sums of the stored codes, as int16.
  for (let g = 0; g < QK / 16; g++) {
    let sum = 0;
    for (let i = 0; i < 16; i++) sum += readI8(q, qo + OFF_QS + g * 16 + i);
    q[qo + OFF_BSUMS + 2 * g] = sum & 0xff;
    q[qo + OFF_BSUMS + 2 * g + 1] = (sum >> 8) & 0xff;
  }
  writeF32(q, qo, fround(1 / iscale));
}

/** The int16 group sum g (0..15) of a Q8_K block at byte offset qo. */
export function q8kBsum(q: Uint8Array, qo: number, g: number): number {
  return ((q[qo + OFF_BSUMS + 2 * g]! | (q[qo + OFF_BSUMS + 2 * g + 1]! << 8)) << 16) >> 16;
}

export const q8_k: GgmlTypeImpl = {
  name: 'q8_k',
  blockElements: QK,
  blockBytes: BYTES,
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF32(q, b * BYTES);
      for (let j = 0; j < QK; j++) y[b * QK + j] = fround(d * readI8(q, b * BYTES + OFF_QS + j));
    }
  },
};
