/**
 * IQ3_S (ggml-common.h block_iq3_s): 3.4375 bits/weight. Layout (110 bytes): d fp16, qs[64] (low 8 bits of
 * each 4-weight group's 9-bit iq3s_grid index), qh[8] (bit 8 of group 8ib + k at bit k of byte ib),
 * signs[32] (bit j of byte g = weight 8g + j negative), scales[4] (4 bits per 32 weights, low nibble first).
 * Value = (d · (1 + 2·ls)) · grid[j], negated where the sign bit is set.
 * Quantize as ggml_quantize_chunk → quantize_iq3_s (with or without an importance matrix).
 */
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, signed } from './iq-common.ts';
import { IQ3S_GRID } from './iq-grids.ts';
import { quantizeRowIq3S } from './iq3-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 110;
const OFF_QS = 2;
const OFF_QH = 66;
const OFF_SIGNS = 74;
const OFF_SCALES = 106;

/** Byte offset into IQ3S_GRID of the 4-weight group k (0..7) of 32-weight block ib. */
function gridOffset(q: Uint8Array, qo: number, ib: number, k: number): number {
  return 4 * (q[qo + OFF_QS + 8 * ib + k]! | (((q[qo + OFF_QH + ib]! >>> k) & 1) << 8));
}

/** ls of 32-weight block ib: db = d·(1 + 2·ls). */
function blockScale(q: Uint8Array, qo: number, ib: number): number {
  return (q[qo + OFF_SCALES + (ib >> 1)]! >>> (4 * (ib & 1))) & 0xf;
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    const db = fround(d * (1 + 2 * blockScale(q, qo, ib)));
    for (let l = 0; l < 4; l++) {
      const signs = q[qo + OFF_SIGNS + 4 * ib + l]!;
      const g1 = gridOffset(q, qo, ib, 2 * l);
      const g2 = gridOffset(q, qo, ib, 2 * l + 1);
      const o = yo + 32 * ib + 8 * l;
      for (let j = 0; j < 4; j++) {
        y[o + j] = signed(fround(db * IQ3S_GRID[g1 + j]!), signs, j);
        y[o + j + 4] = signed(fround(db * IQ3S_GRID[g2 + j]!), signs, j + 4);
      }
    }
  }
}

/** ggml_vec_dot_iq3_s_q8_K_generic: bsum += sumi·(2ls + 1) per 32 weights, result Σ(d_x·d_y)·bsum. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d = fround(readF16(x, xo) * readF32(y, yo));
    let bsum = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      let sumi = 0;
      for (let l = 0; l < 4; l++) {
        const signs = x[xo + OFF_SIGNS + 4 * ib + l]!;
        const g1 = gridOffset(x, xo, ib, 2 * l);
        const g2 = gridOffset(x, xo, ib, 2 * l + 1);
        const o = yo + Q8K_QS + 32 * ib + 8 * l;
        for (let j = 0; j < 4; j++) {
          sumi += signed(IQ3S_GRID[g1 + j]! * readI8(y, o + j), signs, j);
          sumi += signed(IQ3S_GRID[g2 + j]! * readI8(y, o + j + 4), signs, j + 4);
        }
      }
      bsum = (bsum + sumi * (2 * blockScale(x, xo, ib) + 1)) | 0;
    }
    sumf = fround(sumf + fround(d * fround(bsum)));
  }
  return sumf;
}

export const iq3_s: GgmlTypeImpl = {
  name: 'iq3_s',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow: quantizeRowIq3S,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
