/**
 * Q4_1 (ggml-common.h block_q4_1): 32 weights, fp16 scale d, fp16 min m and 16 bytes of 4-bit codes;
 * 5 bits/weight. Element j is the low nibble of qs[j], element j+16 its high nibble. Value = code·d + m.
 * Without an importance matrix: quantize_row_q4_1_ref (d = (max − min)/15, m = min, codes by truncation of
 * (x − min)/d + 0.5). With one: quantize_row_q4_1_impl, make_qkx3_quants(nmax 15) weighted by
 * imatrix[j]·sqrt(sigma2 + x[j]²) with sigma2 = mean x² over the row. vec_dot partner: q8_1.
 */
import { cInverse, x86Byte } from './c-semantics.ts';
import { fround, readF16, readI8, writeF16 } from './float32.ts';
import { quantizeRowWithMinImatrix } from './legacy-pack.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 20;
const OFF_M = 2;
const OFF_QS = 4;
const Q8_1_BYTES = 36;
const FLT_MAX = 3.4028234663852886e38;

function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let min = FLT_MAX;
  let max = -FLT_MAX;
  for (let j = 0; j < QK; j++) {
    const v = x[xo + j]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const d = fround(fround(max - min) / 15);
  const id = cInverse(d);
  writeF16(q, qo, d);
  writeF16(q, qo + OFF_M, min);
  for (let j = 0; j < QK / 2; j++) {
    // MIN(15, (int8_t)((x − min)·id + 0.5f)): truncation, capped at 15.
    const xi0 = Math.min(15, x86Byte(fround(fround(fround(x[xo + j]! - min) * id) + 0.5), true)) & 0xff;
    const xi1 =
      Math.min(15, x86Byte(fround(fround(fround(x[xo + QK / 2 + j]! - min) * id) + 0.5), true)) & 0xff;
    q[qo + OFF_QS + j] = (xi0 | (xi1 << 4)) & 0xff;
  }
}

/** The 32 codes (0..15) of L: element j in the low nibble of qs[j], element j+16 in its high nibble. */
function packCodes(L: Uint8Array, q: Uint8Array, qo: number): void {
  for (let j = 0; j < 16; j++) q[qo + OFF_QS + j] = L[j]! | (L[j + 16]! << 4);
}

export const q4_1: GgmlTypeImpl = {
  name: 'q4_1',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_1',
  quantizeRow(x, q, imatrix) {
    if (imatrix) return quantizeRowWithMinImatrix(x, q, imatrix, 15, BYTES, packCodes);
    for (let b = 0; b < x.length / QK; b++) quantizeBlockRef(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) {
      const d = readF16(q, b * BYTES);
      const m = readF16(q, b * BYTES + OFF_M);
      for (let j = 0; j < QK / 2; j++) {
        const byte = q[b * BYTES + OFF_QS + j]!;
        y[b * QK + j] = fround(fround((byte & 0x0f) * d) + m);
        y[b * QK + j + QK / 2] = fround(fround((byte >>> 4) * d) + m);
      }
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q4_1_q8_1_generic: integer dot per block, then
    // sumf += (dx·dy)·sumi + mx·sy in float32 (sy = q8_1's s = d·Σq), blocks left to right.
    let sumf = 0;
    for (let b = 0; b < n / QK; b++) {
      const xo = b * BYTES;
      const yo = b * Q8_1_BYTES;
      let sumi = 0;
      for (let j = 0; j < QK / 2; j++) {
        const byte = x[xo + OFF_QS + j]!;
        sumi += (byte & 0x0f) * readI8(y, yo + 4 + j);
        sumi += (byte >>> 4) * readI8(y, yo + 4 + j + QK / 2);
      }
      const dxdy = fround(readF16(x, xo) * readF16(y, yo));
      sumf = fround(sumf + fround(fround(dxdy * sumi) + fround(readF16(x, xo + OFF_M) * readF16(y, yo + 2))));
    }
    return sumf;
  },
};
