/**
 * IQ2_XXS (ggml-common.h block_iq2_xxs): 2.0625 bits/weight. Layout (66 bytes): d fp16, then per 32-weight
 * block ib two little-endian uint32 at 2 + 8ib: aux0 = four grid indices (byte l → weights 8l..8l+7 of
 * iq2xxs_grid), aux1 = four 7-bit sign indices into ksigns_iq2xs (bits 7l..7l+6) | ls << 28.
 * Value = (d · (0.5 + ls) · 0.25) · grid[j], negated where the sign bit is set.
 * Quantize as ggml_quantize_chunk → quantize_iq2_xxs (requires an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, readU32, signed } from './iq-common.ts';
import { IQ2XXS_GRID, KSIGNS_IQ2XS } from './iq-grids.ts';
import { quantizeRowIq2Xxs } from './iq2-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 66;
const OFF_QS = 2;

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const o = qo + OFF_QS + 8 * ib;
    const aux1 = readU32(q, o + 4);
    const db = fround(fround(d * (0.5 + (aux1 >>> 28))) * 0.25);
    for (let l = 0; l < 4; l++) {
      const g = 8 * q[o + l]!;
      const signs = KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127]!;
      for (let j = 0; j < 8; j++)
        y[yo + 32 * ib + 8 * l + j] = signed(fround(db * IQ2XXS_GRID[g + j]!), signs, j);
    }
  }
}

/** ggml_vec_dot_iq2_xxs_q8_K_generic: integer sums per block, sumf += (d_x·d_y)·bsum, result 0.125·sumf. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d = fround(readF16(x, xo) * readF32(y, yo));
    let bsum = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const o = xo + OFF_QS + 8 * ib;
      const aux1 = readU32(x, o + 4);
      let sumi = 0;
      for (let l = 0; l < 4; l++) {
        const g = 8 * x[o + l]!;
        const signs = KSIGNS_IQ2XS[(aux1 >>> (7 * l)) & 127]!;
        for (let j = 0; j < 8; j++) {
          sumi += signed(IQ2XXS_GRID[g + j]! * readI8(y, yo + Q8K_QS + 32 * ib + 8 * l + j), signs, j);
        }
      }
      bsum = (bsum + sumi * (2 * (aux1 >>> 28) + 1)) | 0;
    }
    sumf = fround(sumf + fround(d * fround(bsum)));
  }
  return fround(0.125 * sumf);
}

export const iq2_xxs: GgmlTypeImpl = {
  name: 'iq2_xxs',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  requiresImatrix: true,
  quantizeRow: quantizeRowIq2Xxs,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
