/**
 * Q5_1 (ggml-common.h block_q5_1): 32 weights, fp16 scale d, fp16 min m, 4 bytes qh of fifth bits and 16
 * bytes of low nibbles; 6 bits/weight. Value = code·d + m, code 0..31 (bit layout in legacy-pack.ts).
 * Without an importance matrix: quantize_row_q5_1_ref (d = (max − min)/31, m = min, codes by truncation of
 * (x − min)/d + 0.5). With one: quantize_row_q5_1_impl, make_qkx3_quants(nmax 31) weighted by
 * imatrix[j]·sqrt(sigma2 + x[j]²) with sigma2 = mean x² over the row. vec_dot partner: q8_1.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, writeF16 } from './float32.ts';
import { fiveBitCode, packFiveBit, quantizeRowWithMinImatrix, readQh } from './legacy-pack.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 24;
const OFF_M = 2;
const OFF_QH = 4;
const OFF_QS = 8;
const Q8_1_BYTES = 36;
const FLT_MAX = 3.4028234663852886e38;

function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number, L: Uint8Array): void {
  let min = FLT_MAX;
  let max = -FLT_MAX;
  for (let j = 0; j < QK; j++) {
    const v = x[xo + j]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const d = fround(fround(max - min) / 31);
  const id = cInverse(d);
  writeF16(q, qo, d);
  writeF16(q, qo + OFF_M, min);
  // (uint8_t)((x − min)·id + 0.5f): truncation, no cap (the largest value lands on 31).
  for (let j = 0; j < QK; j++) L[j] = x86Byte(fround(fround(fround(x[xo + j]! - min) * id) + 0.5), false);
  packFiveBit(L, 0, q, qo + OFF_QH, qo + OFF_QS);
}

export const q5_1: GgmlTypeImpl = {
  name: 'q5_1',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_1',
  quantizeRow(x, q, imatrix) {
    if (imatrix)
      return quantizeRowWithMinImatrix(x, q, imatrix, 31, BYTES, (L, q, qo) =>
        packFiveBit(L, 0, q, qo + OFF_QH, qo + OFF_QS),
      );
    const L = new Uint8Array(QK);
    for (let b = 0; b < x.length / QK; b++) quantizeBlockRef(x, b * QK, q, b * BYTES, L);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      const m = readF16(q, b * BYTES + OFF_M);
      const qh = readQh(q, b * BYTES + OFF_QH);
      for (let j = 0; j < QK; j++)
        y[b * QK + j] = fround(fround(fiveBitCode(q, b * BYTES + OFF_QS, qh, j) * d) + m);
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q5_1_q8_1_generic: integer dot per block, then
    // sumf += (dx·dy)·sumi + mx·sy in float32 (sy = q8_1's s = d·Σq), blocks left to right.
    let sumf = 0;
    for (let b = 0; b < n / QK; b++) {
      const xo = b * BYTES;
      const yo = b * Q8_1_BYTES;
      const qh = readQh(x, xo + OFF_QH);
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += fiveBitCode(x, xo + OFF_QS, qh, j) * readI8(y, yo + 4 + j);
      const dxdy = fround(readF16(x, xo) * readF16(y, yo));
      sumf = fround(sumf + fround(fround(dxdy * sumi) + fround(readF16(x, xo + OFF_M) * readF16(y, yo + 2))));
    }
    return sumf;
  },
};
