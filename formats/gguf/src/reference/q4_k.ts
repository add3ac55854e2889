/**
 * Q4_K (ggml-common.h block_q4_K): super-blocks of 256 = 8 sub-blocks of 32; fp16 d and dmin, 12 bytes of
 * 6-bit sub-block scales and mins (k4-scales.ts), 128 bytes of 4-bit codes; 4.5 bits/weight.
 * Value = (d·sc)·q − (dmin·m). Codes: for each 64-element chunk c, byte c·32 + l holds element c·64 + l in
 * its low nibble and element c·64 + 32 + l in its high nibble.
 * Quantize: quantize_row_q4_K_ref (no imatrix; make_qkx2_quants(nmax 15, rmin −1, rdelta 0.1, nstep 20))
 * or quantize_row_q4_K_impl (imatrix). vec_dot partner: q8_k (ggml_vec_dot_q4_K_q8_K_generic).
 */
import { fround } from './float32.ts';
import { dequantizeRowK4, type UnpackCodes, vecDotK4Q8K } from './k4-row.ts';
import { kScalesImatrix, kScalesRef, QK_K } from './k4-scales.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 144;
const OFF_QS = 16;

const L = new Uint8Array(QK_K);

/** Pack the 256 codes (0..15) of L into the block's qs. */
function packCodes(q: Uint8Array, qo: number): void {
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) q[qo + OFF_QS + 32 * c + l] = L[64 * c + l]! | (L[64 * c + 32 + l]! << 4);
  }
}

/** The 256 codes (0..15) of the block at q[qo..]: chunk c's byte l holds element 64c + l low, 64c + 32 + l high. */
const unpackCodes: UnpackCodes = (q, qo, codes) => {
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) {
      const byte = q[qo + OFF_QS + 32 * c + l]!;
      codes[64 * c + l] = byte & 0x0f;
      codes[64 * c + 32 + l] = byte >>> 4;
    }
  }
};

export const q4_k: GgmlTypeImpl = {
  name: 'q4_k',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      if (imatrix) kScalesImatrix(x, b * QK_K, imatrix, q, b * BYTES, 15, false, L);
      else kScalesRef(x, b * QK_K, q, b * BYTES, 15, -1, fround(0.1), 20, L);
      packCodes(q, b * BYTES);
    }
  },
  dequantizeRow(q, y) {
    dequantizeRowK4(q, y, BYTES, unpackCodes);
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q4_K_q8_K_generic (k4-row.ts).
    return vecDotK4Q8K(x, y, n, BYTES, unpackCodes);
  },
};
