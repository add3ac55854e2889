/**
 * Q1_0 (ggml-common.h block_q1_0): 128 weights stored as their signs, one bit each, and one fp16 scale
 * d = mean |x| (1.125 bits/weight). Element j is bit j%8 of qs[j/8]; bit 1 means +d, bit 0 means −d.
 * ggml: quantize_row_q1_0_ref (also ggml_quantize_chunk, which ignores the imatrix), dequantize_row_q1_0,
 * ggml_vec_dot_q1_0_q8_0_generic (a block spans four q8_0 blocks).
 */
import { fround, readF16, readI8, writeF16 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 128;
const BYTES = 18;
const Q8_0_BYTES = 34;

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  // Σ|x| in float32, left to right; d = Σ/128 (a NaN input makes d NaN, an inf makes it inf).
  let sumAbs = 0;
  for (let j = 0; j < QK; j++) sumAbs = fround(sumAbs + Math.abs(x[xo + j]!));
  writeF16(q, qo, fround(sumAbs / QK));
  // The sign bit is `x >= 0.0f`: −0 counts as positive, NaN as negative.
  for (let k = 0; k < QK / 8; k++) {
    let byte = 0;
    for (let b = 0; b < 8; b++) if (x[xo + 8 * k + b]! >= 0) byte |= 1 << b;
    q[qo + 2 + k] = byte;
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let j = 0; j < QK; j++) y[yo + j] = (q[qo + 2 + (j >> 3)]! >> (j & 7)) & 1 ? d : -d;
}

/**
 * ggml_vec_dot_q1_0_q8_0_generic: per q8_0 sub-block k an integer Σ ±qy, then sumi += d_y·sumi_k and
 * sumf += d_x·sumi, each in float32 in that order.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let i = 0; i < n / QK; i++) {
    const xo = i * BYTES;
    const d0 = readF16(x, xo);
    let sumi = 0;
    for (let k = 0; k < 4; k++) {
      const yo = (i * 4 + k) * Q8_0_BYTES;
      const d1 = readF16(y, yo);
      let sumiBlock = 0;
      for (let j = 0; j < 32; j++) {
        const qy = readI8(y, yo + 2 + j);
        sumiBlock += (x[xo + 2 + 4 * k + (j >> 3)]! >> (j & 7)) & 1 ? qy : -qy;
      }
      sumi = fround(sumi + fround(d1 * sumiBlock));
    }
    sumf = fround(sumf + fround(d0 * sumi));
  }
  return sumf;
}

export const q1_0: GgmlTypeImpl = {
  name: 'q1_0',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) dequantizeBlock(q, b * BYTES, y, b * QK);
  },
  vecDot,
};
