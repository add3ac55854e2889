/**
 * IQ3_XXS (ggml-common.h block_iq3_xxs): 3.0625 bits/weight. Layout (98 bytes): d fp16, qs[64] (one
 * iq3xxs_grid index per 4 weights), then per 32 weights a little-endian uint32 at 66 + 4ib: four 7-bit sign
 * indices into ksigns_iq2xs (bits 7l..7l+6, one per 8 weights) | ls << 28.
 * Value = (d · (0.5 + ls) · 0.5) · grid[j], negated where the sign bit is set.
 * Quantize as ggml_quantize_chunk → quantize_iq3_xxs (with or without an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, readU32, signed } from './iq-common.ts';
import { IQ3XXS_GRID, KSIGNS_IQ2XS } from './iq-grids.ts';
import { quantizeRowIq3Xxs } from './iq3-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 98;
const OFF_QS = 2;
const OFF_SCALES_SIGNS = 66;

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const aux = readU32(q, qo + OFF_SCALES_SIGNS + 4 * ib);
    const db = fround(fround(d * (0.5 + (aux >>> 28))) * 0.5);
    for (let l = 0; l < 4; l++) {
      const signs = KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127]!;
      const g1 = 4 * q[qo + OFF_QS + 8 * ib + 2 * l]!;
      const g2 = 4 * q[qo + OFF_QS + 8 * ib + 2 * l + 1]!;
      const o = yo + 32 * ib + 8 * l;
      for (let j = 0; j < 4; j++) {
        y[o + j] = signed(fround(db * IQ3XXS_GRID[g1 + j]!), signs, j);
        y[o + j + 4] = signed(fround(db * IQ3XXS_GRID[g2 + j]!), signs, j + 4);
      }
    }
  }
}

/** ggml_vec_dot_iq3_xxs_q8_K_generic: bsum += sumi·(2ls + 1) per 32 weights, result 0.25·Σ(d_x·d_y)·bsum. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d = fround(readF16(x, xo) * readF32(y, yo));
    let bsum = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const aux = readU32(x, xo + OFF_SCALES_SIGNS + 4 * ib);
      let sumi = 0;
      for (let l = 0; l < 4; l++) {
        const signs = KSIGNS_IQ2XS[(aux >>> (7 * l)) & 127]!;
        const g1 = 4 * x[xo + OFF_QS + 8 * ib + 2 * l]!;
        const g2 = 4 * x[xo + OFF_QS + 8 * ib + 2 * l + 1]!;
        const o = yo + Q8K_QS + 32 * ib + 8 * l;
        for (let j = 0; j < 4; j++) {
          sumi += signed(IQ3XXS_GRID[g1 + j]! * readI8(y, o + j), signs, j);
          sumi += signed(IQ3XXS_GRID[g2 + j]! * readI8(y, o + j + 4), signs, j + 4);
        }
      }
      bsum = (bsum + sumi * (2 * (aux >>> 28) + 1)) | 0;
    }
    sumf = fround(sumf + fround(d * fround(bsum)));
  }
  return fround(0.25 * sumf);
}

export const iq3_xxs: GgmlTypeImpl = {
  name: 'iq3_xxs',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow: quantizeRowIq3Xxs,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
