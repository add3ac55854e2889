/**
 * Q2_0 (ggml-common.h block_q2_0): 64 weights as 2-bit codes c ∈ {0, 1, 2, 3} meaning (c − 1)·d, i.e.
 * {−1, 0, +1, +2}·d, with one fp16 scale d = max|x| (2.25 bits/weight). Element j sits at bits
 * 2(j%4)..2(j%4)+1 of qs[j/4]. The grid is asymmetric: +2·d is never chosen by the quantizer for finite
 * input (|x/d| ≤ 1), so in practice the codes are ternary; decoders must still honour code 3.
 * ggml: quantize_row_q2_0_ref (also ggml_quantize_chunk, which ignores the imatrix), dequantize_row_q2_0,
 * ggml_vec_dot_q2_0_q8_0_generic (a block spans two q8_0 blocks).
 */
import { x86Int } from './c-semantics.ts';
import { fround, readF16, readI8, roundf, writeF16 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 64;
const BYTES = 18;
const Q8_0_BYTES = 34;

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  // amax with ggml's `if (a > amax)` update: a NaN never replaces it.
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const a = Math.abs(x[xo + j]!);
    if (a > amax) amax = a;
  }
  const d = amax;
  const id = d > 0 ? fround(1 / d) : 0;
  writeF16(q, qo, d);
  for (let k = 0; k < QK / 4; k++) {
    let byte = 0;
    for (let s = 0; s < 4; s++) {
      // (int)roundf(w·id) + 1, clamped to 0..3. A non-finite w·id (inf input, or 1/d overflowing for a
      // subnormal d) converts to INT_MIN as on x86, which clamps to code 0.
      const c = x86Int(roundf(fround(x[xo + 4 * k + s]! * id))) + 1;
      byte |= (c < 0 ? 0 : c > 3 ? 3 : c) << (2 * s);
    }
    q[qo + 2 + k] = byte;
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let j = 0; j < QK; j++) y[yo + j] = fround((((q[qo + 2 + (j >> 2)]! >> (2 * (j & 3))) & 3) - 1) * d);
}

/**
 * ggml_vec_dot_q2_0_q8_0_generic: per q8_0 sub-block k an integer Σ (c − 1)·qy, then sumi += d_y·sumi_k
 * and sumf += d_x·sumi, each in float32 in that order.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let i = 0; i < n / QK; i++) {
    const xo = i * BYTES;
    const d0 = readF16(x, xo);
    let sumi = 0;
    for (let k = 0; k < 2; k++) {
      const yo = (i * 2 + k) * Q8_0_BYTES;
      const d1 = readF16(y, yo);
      let sumiBlock = 0;
      for (let j = 0; j < 32; j++) {
        const c = (x[xo + 2 + 8 * k + (j >> 2)]! >> (2 * (j & 3))) & 3;
        sumiBlock += (c - 1) * readI8(y, yo + 2 + j);
      }
      sumi = fround(sumi + fround(d1 * sumiBlock));
    }
    sumf = fround(sumf + fround(d0 * sumi));
  }
  return sumf;
}

export const q2_0: GgmlTypeImpl = {
  name: 'q2_0',
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
