/**
 * Q8_0 (ggml-common.h block_q8_0): 32 weights, an fp16 scale d and 32 int8 codes; 8.5 bits/weight.
 * quantize_row_q8_0_ref: d = amax/127, q = roundf(x/d); dequantize: x = q·d. There is no importance
 * matrix path (ggml ignores quant_weights). Q8_0 is also the activation partner of q4_0, q5_0, q8_0, iq4_nl.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, roundf, writeF16, writeI8 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 34;

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const v = Math.abs(x[xo + j]!);
    amax = amax > v ? amax : v; // ggml's MAX(a, b) = a > b ? a : b (a NaN propagates as C does)
  }
  const d = fround(amax / 127);
  const id = cInverse(d);
  writeF16(q, qo, d);
  for (let j = 0; j < QK; j++) writeI8(q, qo + 2 + j, x86Byte(roundf(fround(x[xo + j]! * id)), true));
}

export const q8_0: GgmlTypeImpl = {
  name: 'q8_0',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      for (let j = 0; j < QK; j++) y[b * QK + j] = fround(readI8(q, b * BYTES + 2 + j) * d);
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q8_0_q8_0_generic: integer dot per block, then sumf += sumi·(dx·dy) in float32, left to
    // right; the scales multiply first (the source's parentheses), not sumi·dx first.
    let sumf = 0;
    for (let b = 0; b < n / QK; b++) {
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += readI8(x, b * BYTES + 2 + j) * readI8(y, b * BYTES + 2 + j);
      sumf = fround(sumf + fround(sumi * fround(readF16(x, b * BYTES) * readF16(y, b * BYTES))));
    }
    return sumf;
  },
};
