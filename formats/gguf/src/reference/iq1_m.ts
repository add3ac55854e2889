/**
 * IQ1_M (ggml-common.h block_iq1_m): 1.75 bits/weight, no separate d field. Layout (56 bytes): qs[32] (low
 * 8 bits of each 8-weight group's 11-bit iq1s_grid index), qh[16] (one nibble per group, low nibble first:
 * index bits 8..10 in bits 0..2, shift sign in bit 3), scales[8] read as four little-endian uint16 sc[k]:
 * bits 0..11 hold the 3-bit scales of the four 16-weight halves of 32-weight blocks 2k and 2k+1, bits 12..15
 * are nibble k of the fp16 super-block scale (iq1m_scale_t).
 * Value = (d · (2·ls + 1)) · (grid[j] + delta), delta = ±IQ1M_DELTA per group of 8.
 * Quantize as ggml_quantize_chunk → quantize_iq1_m (with or without an importance matrix).
 */
import { fp16BitsToFp32 } from '@qbench/core';
import { fround, readF32, readI8 } from './float32.ts';
import { Q8K_BYTES, Q8K_QS, QK_K, readU16 } from './iq-common.ts';
import { IQ1_DELTA, IQ1S_GRID } from './iq-grids.ts';
import { quantizeRowIq1M } from './iq1-quantize.ts';
import type { GgmlTypeImpl } from './types.ts';

const BYTES = 56;
const OFF_QS = 0;
const OFF_QH = 32;
const OFF_SCALES = 48;

/** The fp16 super-block scale gathered from the top nibbles of sc[0..3]. */
function superScale(q: Uint8Array, qo: number): number {
  const sc = (k: number) => readU16(q, qo + OFF_SCALES + 2 * k);
  return fp16BitsToFp32(
    (sc(0) >>> 12) | ((sc(1) >>> 8) & 0x00f0) | ((sc(2) >>> 4) & 0x0f00) | (sc(3) & 0xf000),
  );
}

/** 3-bit scale of half h (0, 1) of 32-weight block ib. */
function halfScale(q: Uint8Array, qo: number, ib: number, h: number): number {
  return (readU16(q, qo + OFF_SCALES + 2 * (ib >> 1)) >>> (6 * (ib & 1) + 3 * h)) & 7;
}

/** Byte offset into IQ1S_GRID of group l (0..3) of block ib, and whether its shift is negative. */
function group(q: Uint8Array, qo: number, ib: number, l: number): { g: number; negative: boolean } {
  const nib = (q[qo + OFF_QH + 2 * ib + (l >> 1)]! >>> (4 * (l & 1))) & 0xf;
  return { g: 8 * (q[qo + OFF_QS + 4 * ib + l]! | ((nib & 7) << 8)), negative: (nib & 8) !== 0 };
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = superScale(q, qo);
  for (let ib = 0; ib < QK_K / 32; ib++) {
    for (let l = 0; l < 4; l++) {
      const dl = fround(d * (2 * halfScale(q, qo, ib, l >> 1) + 1));
      const { g, negative } = group(q, qo, ib, l);
      const delta = negative ? -IQ1_DELTA : IQ1_DELTA;
      for (let j = 0; j < 8; j++) y[yo + 32 * ib + 8 * l + j] = fround(dl * (IQ1S_GRID[g + j]! + delta));
    }
  }
}

/**
 * ggml_vec_dot_iq1_m_q8_K_generic: per half of 32, sum1 = Σ q8·grid and sum2 = Σ delta·Σq8 (per group);
 * sumi1 += Σ sum1·ls, sumi2 += Σ sum2·ls; per block sumf += (d·d_y)·(sumi1 + 0.125·sumi2) in float32.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    let sumi1 = 0;
    let sumi2 = 0;
    for (let ib = 0; ib < QK_K / 32; ib++) {
      // sums of the two 16-weight halves: Σ q8·grid and Σ ±delta·q8
      let sum1a = 0;
      let sum1b = 0;
      let sum2a = 0;
      let sum2b = 0;
      for (let l = 0; l < 4; l++) {
        const { g, negative } = group(x, xo, ib, l);
        let lsum1 = 0;
        let lsum2 = 0;
        for (let j = 0; j < 8; j++) {
          const q8 = readI8(y, yo + Q8K_QS + 32 * ib + 8 * l + j);
          lsum1 += q8 * IQ1S_GRID[g + j]!;
          lsum2 += q8;
        }
        const s2 = negative ? -lsum2 : lsum2;
        if (l < 2) {
          sum1a += lsum1;
          sum2a += s2;
        } else {
          sum1b += lsum1;
          sum2b += s2;
        }
      }
      const ls1 = 2 * halfScale(x, xo, ib, 0) + 1;
      const ls2 = 2 * halfScale(x, xo, ib, 1) + 1;
      sumi1 += sum1a * ls1 + sum1b * ls2;
      sumi2 += sum2a * ls1 + sum2b * ls2;
    }
    const dxy = fround(superScale(x, xo) * readF32(y, yo));
    sumf = fround(sumf + fround(dxy * fround(fround(sumi1) + fround(IQ1_DELTA * fround(sumi2)))));
  }
  return sumf;
}

export const iq1_m: GgmlTypeImpl = {
  name: 'iq1_m',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow: quantizeRowIq1M,
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
