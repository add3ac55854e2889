/**
 * TQ2_0 (ggml-common.h block_tq2_0, ternary): 256 weights in {−1, 0, 1}·d; 2.0625 bits/weight.
 * Layout (66 bytes): qs[64] four 2-bit codes per byte (code = trit + 1), d fp16 = max|x|.
 * Byte h·32 + m (h = 0, 1) holds element 128h + 32k + m at bits 2k (k = 0..3). Code 3 is never written and
 * decodes to 2·d, as ggml's (q − 1)·d does.
 */
import { fround, readF16, readF32, readI8, writeF16 } from './float32.ts';
import { absMax, inverseScale, tritCode } from './ternary.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK_K = 256;
const BYTES = 66;
const OFF_D = 64;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
const Q8K_BYTES = 292;
const Q8K_QS = 4;

/** 2-bit code of element e: byte 32·⌊e/128⌋ + e%32, bits 2·(⌊e/32⌋ % 4). */
function readCode(q: Uint8Array, qo: number, e: number): number {
  return (q[qo + 32 * (e >>> 7) + (e & 31)]! >>> (2 * ((e >>> 5) & 3))) & 3;
}

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  const d = absMax(x, xo, QK_K);
  const id = inverseScale(d);
  writeF16(q, qo + OFF_D, d);
  q.fill(0, qo, qo + OFF_D);
  for (let e = 0; e < QK_K; e++) {
    q[qo + 32 * (e >>> 7) + (e & 31)]! |= (tritCode(x[xo + e]!, id) & 3) << (2 * ((e >>> 5) & 3));
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo + OFF_D);
  for (let e = 0; e < QK_K; e++) y[yo + e] = fround((readCode(q, qo, e) - 1) * d);
}

/** ggml_vec_dot_tq2_0_q8_K_generic: an integer sum per block, then sumf += (float)sumi · (d_y·d_x). */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    let sumi = 0;
    for (let e = 0; e < QK_K; e++) sumi += readI8(y, yo + Q8K_QS + e) * (readCode(x, xo, e) - 1);
    sumf = fround(sumf + fround(fround(sumi) * fround(readF32(y, yo) * readF16(x, xo + OFF_D))));
  }
  return sumf;
}

export const tq2_0: GgmlTypeImpl = {
  name: 'tq2_0',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK_K; b++) quantizeBlock(x, b * QK_K, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
