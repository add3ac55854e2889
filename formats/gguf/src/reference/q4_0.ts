/**
 * Q4_0 (ggml-common.h block_q4_0): 32 weights, an fp16 scale d and 16 bytes of 4-bit codes; 4.5 bits/weight.
 * Element j is the low nibble of qs[j] and element j+16 its high nibble. Value = (code − 8)·d.
 * Without an importance matrix: quantize_row_q4_0_ref (d = max/−8 where max is the signed value of
 * largest magnitude, codes by truncation of x/d + 8.5). With one: quantize_row_q4_0_impl, a weighted
 * make_qx_quants search whose weights use sigma2 over the whole row.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, sumSquaresF32, writeF16 } from './float32.ts';
import { makeQxQuants } from './make-qx-quants.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 18;

function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let amax = 0;
  let max = 0;
  for (let j = 0; j < QK; j++) {
    const v = x[xo + j]!;
    if (amax < Math.abs(v)) {
      amax = Math.abs(v);
      max = v;
    }
  }
  const d = fround(max / -8);
  const id = cInverse(d);
  writeF16(q, qo, d);
  for (let j = 0; j < QK / 2; j++) {
    // MIN(15, (int8_t)(x·id + 8.5f)) stored as uint8_t: truncation toward zero, capped at 15; x86's cast of
    // ±inf/NaN (id = +inf for a block of float32 subnormals) is INT_MIN, whose low byte is 0.
    const xi0 = Math.min(15, x86Byte(fround(fround(x[xo + j]! * id) + 8.5), true)) & 0xff;
    const xi1 = Math.min(15, x86Byte(fround(fround(x[xo + QK / 2 + j]! * id) + 8.5), true)) & 0xff;
    q[qo + 2 + j] = (xi0 | (xi1 << 4)) & 0xff;
  }
}

function quantizeRowImatrix(x: Float32Array, q: Uint8Array, imatrix: Float32Array): void {
  const sigma2 = fround(sumSquaresF32(x) / x.length);
  const weight = new Float32Array(QK);
  const L = new Uint8Array(QK);
  for (let b = 0; b < x.length / QK; b++) {
    const xb = x.subarray(b * QK, (b + 1) * QK);
    for (let j = 0; j < QK; j++) {
      weight[j] = fround(imatrix[b * QK + j]! * fround(Math.sqrt(fround(sigma2 + fround(xb[j]! * xb[j]!)))));
    }
    const d = makeQxQuants(QK, 8, xb, L, 1, weight);
    writeF16(q, b * BYTES, d);
    for (let j = 0; j < 16; j++) q[b * BYTES + 2 + j] = L[j]! | (L[j + 16]! << 4);
  }
}

export const q4_0: GgmlTypeImpl = {
  name: 'q4_0',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q, imatrix) {
    if (imatrix) return quantizeRowImatrix(x, q, imatrix);
    for (let b = 0; b < x.length / QK; b++) quantizeBlockRef(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      for (let j = 0; j < QK / 2; j++) {
        const byte = q[b * BYTES + 2 + j]!;
        y[b * QK + j] = fround(((byte & 0x0f) - 8) * d);
        y[b * QK + j + QK / 2] = fround(((byte >>> 4) - 8) * d);
      }
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q4_0_q8_0 (generic): per block sumi over (code − 8)·q8, then sumf += sumi·dx·dy (left to right, float32).
    let sumf = 0;
    for (let b = 0; b < n / QK; b++) {
      let sumi = 0;
      for (let j = 0; j < QK / 2; j++) {
        const byte = x[b * BYTES + 2 + j]!;
        sumi += ((byte & 0x0f) - 8) * readI8(y, b * 34 + 2 + j);
        sumi += ((byte >>> 4) - 8) * readI8(y, b * 34 + 2 + j + QK / 2);
      }
      sumf = fround(sumf + fround(fround(sumi * readF16(x, b * BYTES)) * readF16(y, b * 34)));
    }
    return sumf;
  },
};
