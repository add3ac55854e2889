/**
 * IQ4_NL (ggml-common.h block_iq4_nl): 32 weights, an fp16 scale d and 16 bytes of 4-bit indices into the
 * non-uniform codebook kvalues_iq4nl (−127 … 113); 4.5 bits/weight. Element j is the low nibble of qs[j],
 * element j+16 its high nibble. Value = d · kvalues_iq4nl[code].
 * Quantize as ggml_quantize_chunk → quantize_iq4_nl: quantize_row_iq4_nl_impl with ntry = 7 (a 15-scale
 * search), weights x² without an imatrix or imatrix·sqrt(2·mean x² + x²) with one. (quantize_row_iq4_nl_ref,
 * ggml's from_float, uses ntry = −1 and gives different bytes.)
 */
import { TABLES } from '../generated/specs.ts';
import { fround, readF16, readI8 } from './float32.ts';
import { quantizeIq4Block } from './iq4-search.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 18;
const Q8_0_BYTES = 34;
/** kvalues_iq4nl, from the spec (ggml-common.h). */
const VALUES = TABLES.iq4_nl.kvaluesIq4nl;

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo);
  for (let j = 0; j < QK / 2; j++) {
    const byte = q[qo + 2 + j]!;
    y[yo + j] = fround(d * VALUES[byte & 0xf]!);
    y[yo + j + QK / 2] = fround(d * VALUES[byte >>> 4]!);
  }
}

/** ggml_vec_dot_iq4_nl_q8_0_generic: per block an integer dot, then sumf += (d_y·d_x)·sumi in float32. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK; b++) {
    const xo = b * BYTES;
    const yo = b * Q8_0_BYTES;
    const d = fround(readF16(y, yo) * readF16(x, xo));
    let sumi1 = 0;
    let sumi2 = 0;
    for (let j = 0; j < QK / 2; j++) {
      const byte = x[xo + 2 + j]!;
      sumi1 += readI8(y, yo + 2 + j) * VALUES[byte & 0xf]!;
      sumi2 += readI8(y, yo + 2 + j + QK / 2) * VALUES[byte >>> 4]!;
    }
    sumf = fround(sumf + fround(d * (sumi1 + sumi2)));
  }
  return sumf;
}

export const iq4_nl: GgmlTypeImpl = {
  name: 'iq4_nl',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK; b++) {
      const qw = imatrix?.subarray(b * QK, (b + 1) * QK);
      quantizeIq4Block(QK, x, b * QK, { q, dOffset: b * BYTES, qsOffset: b * BYTES + 2 }, VALUES, qw, 7);
    }
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) dequantizeBlock(q, b * BYTES, y, b * QK);
  },
  vecDot,
};
