/**
 * Q5_0 (ggml-common.h block_q5_0): 32 weights, fp16 scale d, 4 bytes qh of fifth bits and 16 bytes of low
 * nibbles; 5.5 bits/weight. Value = (code − 16)·d, code 0..31 (see legacy-pack.ts for the bit layout).
 * Without an importance matrix: quantize_row_q5_0_ref (d = max/−16 with max the signed value of largest
 * magnitude, codes by truncation of x/d + 16.5, capped at 31). With one: quantize_row_q5_0_impl,
 * make_qx_quants(nmax 16, rmse_type 1) weighted by imatrix[j]·sqrt(sigma2 + x[j]²). vec_dot partner: q8_0.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, writeF16 } from './float32.ts';
import { fiveBitCode, legacyWeights, packFiveBit, readQh, rowSigma2 } from './legacy-pack.ts';
import { makeQxQuants } from './make-qx-quants.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 22;
const OFF_QH = 2;
const OFF_QS = 6;
const Q8_0_BYTES = 34;

function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number, L: Uint8Array): void {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < QK; j++) {
    const v = x[xo + j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = fround(max / -16);
  const id = cInverse(d);
  writeF16(q, qo, d);
  // MIN(31, (int8_t)(x·id + 16.5f)), stored as uint8_t.
  for (let j = 0; j < QK; j++) {
    L[j] = Math.min(31, x86Byte(fround(fround(x[xo + j]! * id) + 16.5), true)) & 0xff;
  }
  packFiveBit(L, 0, q, qo + OFF_QH, qo + OFF_QS);
}

function quantizeRowImatrix(x: Float32Array, q: Uint8Array, imatrix: Float32Array): void {
  const sigma2 = rowSigma2(x);
  const weight = new Float32Array(QK);
  const L = new Int8Array(QK);
  for (let b = 0; b < x.length / QK; b++) {
    legacyWeights(x, b * QK, imatrix, sigma2, weight);
    const d = makeQxQuants(QK, 16, x.subarray(b * QK, (b + 1) * QK), L, 1, weight);
    writeF16(q, b * BYTES, d);
    packFiveBit(L, 0, q, b * BYTES + OFF_QH, b * BYTES + OFF_QS);
  }
}

export const q5_0: GgmlTypeImpl = {
  name: 'q5_0',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q, imatrix) {
    if (imatrix) return quantizeRowImatrix(x, q, imatrix);
    const L = new Uint8Array(QK);
    for (let b = 0; b < x.length / QK; b++) quantizeBlockRef(x, b * QK, q, b * BYTES, L);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      const qh = readQh(q, b * BYTES + OFF_QH);
      for (let j = 0; j < QK; j++)
        y[b * QK + j] = fround((fiveBitCode(q, b * BYTES + OFF_QS, qh, j) - 16) * d);
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q5_0_q8_0_generic: integer dot per block, then sumf += (dx·dy)·sumi in float32.
    let sumf = 0;
    for (let b = 0; b < n / QK; b++) {
      const xo = b * BYTES;
      const yo = b * Q8_0_BYTES;
      const qh = readQh(x, xo + OFF_QH);
      let sumi = 0;
      for (let j = 0; j < QK; j++) sumi += (fiveBitCode(x, xo + OFF_QS, qh, j) - 16) * readI8(y, yo + 2 + j);
      sumf = fround(sumf + fround(fround(readF16(x, xo) * readF16(y, yo)) * sumi));
    }
    return sumf;
  },
};
