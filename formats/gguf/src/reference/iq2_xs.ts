/**
 * IQ2_XS (ggml-common.h block_iq2_xs): 2.3125 bits/weight. Layout (74 bytes): d fp16, qs[32] little-endian
 * uint16 (one per 8 weights: grid index in bits 0..8 into iq2xs_grid, sign index into ksigns_iq2xs in
 * bits 9..15), scales[8] (per 32 weights: low nibble for the first 16, high nibble for the second 16).
 * Value = (d · (0.5 + ls) · 0.25) · grid[j], negated where the sign bit is set.
 * Quantize as ggml_quantize_chunk → quantize_iq2_xs (requires an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, readU16, signed } from './iq-common.ts';
import { IQ2XS_GRID, KSIGNS_IQ2XS } from './iq-grids.ts';
import { quantizeRowIq2Xs } from './iq2-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 74;
const OFF_QS = 2;
const OFF_SCALES = 66;

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const sc = q[qo + OFF_SCALES + ib]!;
    const db = [fround(fround(d * (0.5 + (sc & 0xf))) * 0.25), fround(fround(d * (0.5 + (sc >>> 4))) * 0.25)];
    for (let l = 0; l < 4; l++) {
      const v = readU16(q, qo + OFF_QS + 2 * (4 * ib + l));
      const g = 8 * (v & 511);
      const signs = KSIGNS_IQ2XS[v >>> 9]!;
      for (let j = 0; j < 8; j++)
        y[yo + 32 * ib + 8 * l + j] = signed(fround(db[l >> 1]! * IQ2XS_GRID[g + j]!), signs, j);
    }
  }
}

/** ggml_vec_dot_iq2_xs_q8_K_generic: per 16 weights sumi·(2ls + 1), sumf += (d_x·d_y)·bsum, result 0.125·sumf. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d = fround(readF16(x, xo) * readF32(y, yo));
    let bsum = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const sc = x[xo + OFF_SCALES + ib]!;
      for (let half = 0; half < 2; half++) {
        let sumi = 0;
        for (let l = 2 * half; l < 2 * half + 2; l++) {
          const v = readU16(x, xo + OFF_QS + 2 * (4 * ib + l));
          const g = 8 * (v & 511);
          const signs = KSIGNS_IQ2XS[v >>> 9]!;
          for (let j = 0; j < 8; j++) {
            sumi += signed(IQ2XS_GRID[g + j]! * readI8(y, yo + Q8K_QS + 32 * ib + 8 * l + j), signs, j);
          }
        }
        bsum = (bsum + sumi * (2 * ((sc >>> (4 * half)) & 0xf) + 1)) | 0;
      }
    }
    sumf = fround(sumf + fround(d * fround(bsum)));
  }
  return fround(0.125 * sumf);
}

export const iq2_xs: GgmlTypeImpl = {
  name: 'iq2_xs',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  requiresImatrix: true,
  quantizeRow: quantizeRowIq2Xs,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
