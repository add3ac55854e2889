/**
 * Q5_K (ggml-common.h block_q5_K): super-blocks of 256 = 8 sub-blocks of 32; fp16 d and dmin, 12 bytes of
 * 6-bit sub-block scales and mins (k4-scales.ts), 32 bytes qh of fifth bits and 128 bytes of low nibbles;
 * 5.5 bits/weight. Value = (d·sc)·q − (dmin·m), q in 0..31. Low nibbles are laid out as in q4_K; the fifth
 * bit of element 64c + l (l < 32) is bit 2c of qh[l], that of element 64c + 32 + l is bit 2c+1 of qh[l].
 * Quantize: quantize_row_q5_K_ref (no imatrix; make_qkx2_quants(nmax 31, rmin −0.5, rdelta 0.1, nstep 15))
 * or quantize_row_q5_K_impl (imatrix). vec_dot partner: q8_k (ggml_vec_dot_q5_K_q8_K_generic).
 */
import { fround } from './float32.ts';
import { dequantizeRowK4, type UnpackCodes, vecDotK4Q8K } from './k4-row.ts';
import { kScalesImatrix, kScalesRef, QK_K } from './k4-scales.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 176;
const OFF_QH = 16;
const OFF_QS = 48;

const L = new Uint8Array(QK_K);

/** Split the 256 codes (0..31) of L into low nibbles (qs) and fifth bits (qh). */
function packCodes(q: Uint8Array, qo: number): void {
  q.fill(0, qo + OFF_QH, qo + OFF_QH + 32);
  for (let c = 0; c < 4; c++) {
    const m1 = 1 << (2 * c);
    const m2 = 2 << (2 * c);
    for (let j = 0; j < 32; j++) {
      let l1 = L[64 * c + j]!;
      if (l1 > 15) {
        l1 -= 16;
        q[qo + OFF_QH + j] = q[qo + OFF_QH + j]! | m1;
      }
      let l2 = L[64 * c + 32 + j]!;
      if (l2 > 15) {
        l2 -= 16;
        q[qo + OFF_QH + j] = q[qo + OFF_QH + j]! | m2;
      }
      q[qo + OFF_QS + 32 * c + j] = l1 | (l2 << 4);
    }
  }
}

/** The 256 codes (0..31) of the block at q[qo..]: q4_k's nibbles plus 16 where qh[l] has bit 2c (+1 high). */
const unpackCodes: UnpackCodes = (q, qo, codes) => {
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) {
      const byte = q[qo + OFF_QS + 32 * c + l]!;
      const qh = q[qo + OFF_QH + l]!;
      codes[64 * c + l] = (byte & 0x0f) + (qh & (1 << (2 * c)) ? 16 : 0);
      codes[64 * c + 32 + l] = (byte >>> 4) + (qh & (2 << (2 * c)) ? 16 : 0);
    }
  }
};

export const q5_k: GgmlTypeImpl = {
  name: 'q5_k',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      if (imatrix) kScalesImatrix(x, b * QK_K, imatrix, q, b * BYTES, 31, true, L);
      else kScalesRef(x, b * QK_K, q, b * BYTES, 31, fround(-0.5), fround(0.1), 15, L);
      packCodes(q, b * BYTES);
    }
  },
  dequantizeRow(q, y) {
    dequantizeRowK4(q, y, BYTES, unpackCodes);
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q5_K_q8_K_generic (k4-row.ts).
    return vecDotK4Q8K(x, y, n, BYTES, unpackCodes);
  },
};
