/**
 * IQ4_XS (ggml-common.h block_iq4_xs): a 256-weight super-block of eight 32-weight blocks; 4.25 bits/weight.
 * Layout (136 bytes): d fp16, scales_h uint16 (high 2 bits of each 6-bit block scale), scales_l[4] (low
 * 4 bits, two per byte), qs[128] 4-bit indices into kvalues_iq4nl (the IQ4_NL codebook). Block b of 32:
 * byte 16b + j holds element 32b + j (low nibble) and 32b + 16 + j (high nibble).
 * Value = d · (ls − 32) · kvalues_iq4nl[code], ls = the block's 6-bit scale.
 * Quantize as ggml_quantize_chunk → quantize_iq4_xs: quantize_row_iq4_nl_impl(256, 32, ntry 7).
 */
import { TABLES } from '../generated/specs.ts';
import { fround, readF16, readF32, readI8 } from './float32.ts';
import { quantizeIq4Block } from './iq4-search.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK_K = 256;
const BYTES = 136;
const OFF_SCALES_H = 2;
const OFF_SCALES_L = 4;
const OFF_QS = 8;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
const Q8K_BYTES = 292;
const Q8K_QS = 4;
/** The IQ4_NL codebook (one table for both types, from the iq4_nl spec). */
const VALUES = TABLES.iq4_nl.kvaluesIq4nl;

/** 6-bit scale of 32-weight block ib (0..63, before the −32 offset). */
function blockScale(q: Uint8Array, qo: number, ib: number): number {
  const h = q[qo + OFF_SCALES_H]! | (q[qo + OFF_SCALES_H + 1]! << 8);
  return ((q[qo + OFF_SCALES_L + (ib >> 1)]! >>> (4 * (ib % 2))) & 0xf) | (((h >>> (2 * ib)) & 3) << 4);
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    // dl = d·(ls − 32) per 32-weight block, then dl·value.
    const dl = fround(d * (blockScale(q, qo, ib) - 32));
    for (let j = 0; j < 16; j++) {
      const byte = q[qo + OFF_QS + 16 * ib + j]!;
      y[yo + 32 * ib + j] = fround(dl * VALUES[byte & 0xf]!);
      y[yo + 32 * ib + j + 16] = fround(dl * VALUES[byte >>> 4]!);
    }
  }
}

/**
 * ggml_vec_dot_iq4_xs_q8_K_generic: per 32-weight block an integer dot, then
 * sumf += ((d_x·d_y)·(ls − 32))·sumi in float32, blocks in order.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    const d4d8 = fround(readF16(x, xo) * readF32(y, yo));
    for (let ib = 0; ib < QK_K / 32; ib++) {
      const dl = fround(d4d8 * (blockScale(x, xo, ib) - 32));
      let sumi1 = 0;
      let sumi2 = 0;
      for (let j = 0; j < 16; j++) {
        const byte = x[xo + OFF_QS + 16 * ib + j]!;
        sumi1 += readI8(y, yo + Q8K_QS + 32 * ib + j) * VALUES[byte & 0xf]!;
        sumi2 += readI8(y, yo + Q8K_QS + 32 * ib + j + 16) * VALUES[byte >>> 4]!;
      }
      sumf = fround(sumf + fround(dl * (sumi1 + sumi2)));
    }
  }
  return sumf;
}

export const iq4_xs: GgmlTypeImpl = {
  name: 'iq4_xs',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      const qo = b * BYTES;
      const target = {
        q,
        dOffset: qo,
        qsOffset: qo + OFF_QS,
        scalesHOffset: qo + OFF_SCALES_H,
        scalesLOffset: qo + OFF_SCALES_L,
      };
      quantizeIq4Block(QK_K, x, b * QK_K, target, VALUES, imatrix?.subarray(b * QK_K, (b + 1) * QK_K), 7);
    }
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
