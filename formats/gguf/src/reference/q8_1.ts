/**
 * Q8_1 (ggml-common.h block_q8_1): 32 int8 codes, an fp16 scale d and an fp16 s = d·Σqs; 9 bits/weight.
 * The activation partner of q4_1 and q5_1: their vec_dot uses s for the min term. quantize_row_q8_1_ref:
 * d = amax/127, q = roundf(x/d) (as q8_0), s = fp16((float)Σq · d). ggml has no dequantizer for it;
 * qbench decodes fp16(d)·q the way dequantize_row_q8_0 does (s unused), as the golden vectors do.
 * There is no importance-matrix path and no vec_dot with q8_1 as the weight type.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, roundf, writeF16, writeI8 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 36;
/** Byte offsets inside the block: d, s, then the codes. */
const OFF_S = 2;
const OFF_QS = 4;

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const v = Math.abs(x[xo + j]!);
    amax = amax > v ? amax : v; // ggml's MAX(a, b) = a > b ? a : b
  }
  const d = fround(amax / 127);
  const id = cInverse(d);
  writeF16(q, qo, d);
  // Codes in ggml's order (j and j+16 together); the sum reads back the stored int8 values.
  let sum = 0;
  for (let j = 0; j < QK / 2; j++) {
    writeI8(q, qo + OFF_QS + j, x86Byte(roundf(fround(x[xo + j]! * id)), true));
    writeI8(q, qo + OFF_QS + QK / 2 + j, x86Byte(roundf(fround(x[xo + QK / 2 + j]! * id)), true));
    sum += readI8(q, qo + OFF_QS + j) + readI8(q, qo + OFF_QS + QK / 2 + j);
  }
  // s = sum·d: the int converts to float exactly (|sum| ≤ 4064), one float32 product, then fp16.
  writeF16(q, qo + OFF_S, fround(sum * d));
}

export const q8_1: GgmlTypeImpl = {
  name: 'q8_1',
  blockElements: QK,
  blockBytes: BYTES,
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      for (let j = 0; j < QK; j++) y[b * QK + j] = fround(readI8(q, b * BYTES + OFF_QS + j) * d);
    }
  },
};
