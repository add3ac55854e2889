/**
 * IQ2_S (ggml-common.h block_iq2_s): 2.5625 bits/weight. Layout (82 bytes): d fp16, qs[32] low 8 bits of
 * each group's 10-bit iq2s_grid index, signs[32] (bit j of byte g = weight 8g + j negative), qh[8] (bits
 * 8..9 of group 4ib + l at bits 2l of byte ib), scales[8] (low nibble: weights 32ib..+15, high: +16..+31).
 * Value = (d · (0.5 + ls) · 0.25) · grid[j], negated where the sign bit is set.
 * Quantize as ggml_quantize_chunk → quantize_iq2_s (with or without an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, signed } from './iq-common.ts';
import { IQ2S_GRID } from './iq-grids.ts';
import { quantizeRowIq2S } from './iq2s-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 82;
const OFF_QS = 2;
const OFF_SIGNS = 34;
const OFF_QH = 66;
const OFF_SCALES = 74;

/** 10-bit grid index of group l (0..3) of 32-weight block ib. */
function gridIndex(q: Uint8Array, qo: number, ib: number, l: number): number {
  return q[qo + OFF_QS + 4 * ib + l]! | ((q[qo + OFF_QH + ib]! << (8 - 2 * l)) & 0x300);
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const sc = q[qo + OFF_SCALES + ib]!;
    const db = [fround(fround(d * (0.5 + (sc & 0xf))) * 0.25), fround(fround(d * (0.5 + (sc >>> 4))) * 0.25)];
    for (let l = 0; l < 4; l++) {
      const g = 8 * gridIndex(q, qo, ib, l);
      const signs = q[qo + OFF_SIGNS + 4 * ib + l]!;
      for (let j = 0; j < 8; j++)
        y[yo + 32 * ib + 8 * l + j] = signed(fround(db[l >> 1]! * IQ2S_GRID[g + j]!), signs, j);
    }
  }
}

/** ggml_vec_dot_iq2_s_q8_K_generic: bsum += ls1·sumi1 + ls2·sumi2 per 32 weights, result 0.125·Σ(d_x·d_y)·bsum. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d = fround(readF16(x, xo) * readF32(y, yo));
    let bsum = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const sc = x[xo + OFF_SCALES + ib]!;
      let sumi1 = 0; // weights 32ib..+15
      let sumi2 = 0; // weights 32ib+16..+31
      for (let l = 0; l < 4; l++) {
        const g = 8 * gridIndex(x, xo, ib, l);
        const signs = x[xo + OFF_SIGNS + 4 * ib + l]!;
        let sumi = 0;
        for (let j = 0; j < 8; j++) {
          sumi += signed(readI8(y, yo + Q8K_QS + 32 * ib + 8 * l + j) * IQ2S_GRID[g + j]!, signs, j);
        }
        if (l < 2) sumi1 += sumi;
        else sumi2 += sumi;
      }
      bsum = (bsum + (1 + 2 * (sc & 0xf)) * sumi1 + (1 + 2 * (sc >>> 4)) * sumi2) | 0;
    }
    sumf = fround(sumf + fround(d * fround(bsum)));
  }
  return fround(0.125 * sumf);
}

export const iq2_s: GgmlTypeImpl = {
  name: 'iq2_s',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow: quantizeRowIq2S,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
