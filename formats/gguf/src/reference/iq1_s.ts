/**
 * IQ1_S (ggml-common.h block_iq1_s): 1.5625 bits/weight. Layout (50 bytes): d fp16, qs[32] (low 8 bits of
 * each 8-weight group's 11-bit iq1s_grid index), qh[8] little-endian uint16 per 32 weights: bits 3l..3l+2 =
 * index bits 8..10 of group l, bits 12..14 = ls, bit 15 = shift sign.
 * Value = (d · (2·ls + 1)) · (grid[j] + delta), delta = ±IQ1S_DELTA, grid values −1, 0, 1.
 * Quantize as ggml_quantize_chunk → quantize_iq1_s (requires an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, readU16 } from './iq-common.ts';
import { IQ1_DELTA, IQ1S_GRID } from './iq-grids.ts';
import { quantizeRowIq1S } from './iq1-quantize.ts';
import { q8kBsum } from './q8_k.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 50;
const OFF_QS = 2;
const OFF_QH = 34;

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const qh = readU16(q, qo + OFF_QH + 2 * ib);
    const dl = fround(d * (2 * ((qh >>> 12) & 7) + 1));
    const delta = qh & 0x8000 ? -IQ1_DELTA : IQ1_DELTA;
    for (let l = 0; l < 4; l++) {
      const g = 8 * (q[qo + OFF_QS + 4 * ib + l]! | (((qh >>> (3 * l)) & 7) << 8));
      for (let j = 0; j < 8; j++) y[yo + 32 * ib + 8 * l + j] = fround(dl * (IQ1S_GRID[g + j]! + delta));
    }
  }
}

/**
 * ggml_vec_dot_iq1_s_q8_K_generic: sumi = Σ ls·(q8·grid), sumi1 = Σ ls·delta·(bsums of the 32 weights);
 * per block sumf += ((d_x·d_y)·(sumi + 0.125·sumi1)) in float32.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    let sumi = 0;
    let sumi1 = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const qh = readU16(x, xo + OFF_QH + 2 * ib);
      const ls = 2 * ((qh >>> 12) & 7) + 1;
      const delta = qh & 0x8000 ? -1 : 1;
      let lsum = 0;
      for (let l = 0; l < 4; l++) {
        const g = 8 * (x[xo + OFF_QS + 4 * ib + l]! | (((qh >>> (3 * l)) & 7) << 8));
        for (let j = 0; j < 8; j++) lsum += readI8(y, yo + Q8K_QS + 32 * ib + 8 * l + j) * IQ1S_GRID[g + j]!;
      }
      sumi += ls * lsum;
      sumi1 += ls * delta * (q8kBsum(y, yo, 2 * ib) + q8kBsum(y, yo, 2 * ib + 1));
    }
    const dxy = fround(readF16(x, xo) * readF32(y, yo));
    sumf = fround(sumf + fround(dxy * fround(fround(sumi) + fround(IQ1_DELTA * fround(sumi1)))));
  }
  return sumf;
}

export const iq1_s: GgmlTypeImpl = {
  name: 'iq1_s',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  requiresImatrix: true,
  quantizeRow: quantizeRowIq1S,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
