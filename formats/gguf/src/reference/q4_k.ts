/**
 * Q4_K (ggml-common.h block_q4_K): super-blocks of 256 = 8 sub-blocks of 32; fp16 d and dmin, 12 bytes of
 * 6-bit sub-block scales and mins (k4-scales.ts), 128 bytes of 4-bit codes; 4.5 bits/weight.
 * Value = (d·sc)·q − (dmin·m). Codes: for each 64-element chunk c, byte c·32 + l holds element c·64 + l in
 * its low nibble and element c·64 + 32 + l in its high nibble.
 * Quantize: quantize_row_q4_K_ref (no imatrix; make_qkx2_quants(nmax 15, rmin −1, rdelta 0.1, nstep 20))
 * or quantize_row_q4_K_impl (imatrix). vec_dot partner: q8_k (ggml_vec_dot_q4_K_q8_K_generic).
 */
import { readF16, readF32, readI8 as readI8Import } from './float32.ts';
import { k4Min, k4Scale, kScalesImatrix, kScalesRef, QK_K } from './k4-scales.ts';
import { q8kBsum } from './q8_k.ts';
import type { GgmlTypeImpl } from './types.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the per-element loops below.
const fround = Math.fround;
const readI8 = readI8Import;

const BYTES = 144;
const OFF_QS = 16;
const Q8K_BYTES = 292;

const L = new Uint8Array(QK_K);
const aux32 = new Int32Array(8);
const sums = new Float32Array(8);

/** Pack the 256 codes (0..15) of L into the block's qs. */
function packCodes(q: Uint8Array, qo: number): void {
  for (let c = 0; c < 4; c++) {
    for (let l = 0; l < 32; l++) q[qo + OFF_QS + 32 * c + l] = L[64 * c + l]! | (L[64 * c + 32 + l]! << 4);
  }
}

/** The 4-bit code of element e (0..255) of the block at q[qo..]. */
function code(q: Uint8Array, qo: number, e: number): number {
  const c = e >>> 6;
  const r = e & 63;
  const byte = q[qo + OFF_QS + 32 * c + (r & 31)]!;
  return r < 32 ? byte & 0x0f : byte >>> 4;
}

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
    for (let b = 0; b < y.length / QK_K; b++) {
      const qo = b * BYTES;
      const d = readF16(q, qo);
      const min = readF16(q, qo + 2);
      for (let j = 0; j < 8; j++) {
        // Sub-block j: scale d·sc and offset dmin·m, each one float32 product.
        const dl = fround(d * k4Scale(q, qo, j));
        const ml = fround(min * k4Min(q, qo, j));
        for (let l = 0; l < 32; l++) {
          const e = 32 * j + l;
          y[b * QK_K + e] = fround(fround(dl * code(q, qo, e)) - ml);
        }
      }
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q4_K_q8_K_generic: integer products summed per lane (element index mod 8) with the 6-bit
    // scales; per block sums[l] += (d·dy)·aux32[l] and sumf −= (dmin·dy)·Σ bsums·m; the 8 lanes join sumf last.
    sums.fill(0);
    let sumf = 0;
    for (let b = 0; b < n / QK_K; b++) {
      const xo = b * BYTES;
      const yo = b * Q8K_BYTES;
      aux32.fill(0);
      for (let j = 0; j < 8; j++) {
        const sc = k4Scale(x, xo, j);
        for (let l = 0; l < 32; l++) {
          const e = 32 * j + l;
          aux32[l & 7] = aux32[l & 7]! + sc * (readI8(y, yo + 4 + e) * code(x, xo, e));
        }
      }
      let sumi = 0;
      for (let g = 0; g < 16; g++) sumi += q8kBsum(y, yo, g) * k4Min(x, xo, g >>> 1);
      const dy = readF32(y, yo);
      const d = fround(readF16(x, xo) * dy);
      for (let l = 0; l < 8; l++) sums[l] = fround(sums[l]! + fround(d * fround(aux32[l]!)));
      const dmin = fround(readF16(x, xo + 2) * dy);
      sumf = fround(sumf - fround(dmin * fround(sumi)));
    }
    for (let l = 0; l < 8; l++) sumf = fround(sumf + sums[l]!);
    return sumf;
  },
};
