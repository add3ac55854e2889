/**
 * Q6_K (ggml-common.h block_q6_K): a 256-weight super-block of 16 sub-blocks of 16 weights; 6.5625 bits/weight.
 * Layout (210 bytes): ql[128] low 4 bits of the codes, qh[64] high 2 bits, scales[16] int8 sub-block
 * scales, d fp16 super-block scale. Value = d · scales[s] · (code − 32), code in 0..63.
 * Quantize (quantize_row_q6_K_ref / _impl): each sub-block gets a make_qx_quants(nmax 32, rmse_type 1)
 * scale (weighted by the imatrix when given, unweighted x² otherwise); the 16 scales are quantized to
 * int8 against the largest-magnitude one (d = max/−128); codes are then recomputed from the stored scales.
 */
import { cTrue } from './c-semantics.ts';
import {
  clampInt,
  fround,
  GROUP_MAX_EPS,
  nearestInt,
  readF16,
  readF32,
  readI8,
  writeF16,
  writeI8,
} from './float32.ts';
import { makeQxQuants } from './make-qx-quants.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK_K = 256;
const BYTES = 210;
const OFF_QH = 128;
const OFF_SCALES = 192;
const OFF_D = 208;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
const Q8K_BYTES = 292;
const Q8K_QS = 4;

/**
 * Code of element j (0..255) from the interleaved ql/qh layout: each 128-element half uses 64 ql bytes and
 * 32 qh bytes; element l+32k of a half has its low nibble in ql[l + 32·(k&1)] (high nibble for k ≥ 2) and
 * its high 2 bits in qh[l] at bit 2k.
 */
function unpackCodes(q: Uint8Array, qo: number, codes: Int8Array): void {
  for (let half = 0; half < 2; half++) {
    const ql = qo + 64 * half;
    const qh = qo + OFF_QH + 32 * half;
    for (let l = 0; l < 32; l++) {
      const h = q[qh + l]!;
      const base = 128 * half + l;
      codes[base] = ((q[ql + l]! & 0xf) | ((h & 3) << 4)) - 32;
      codes[base + 32] = ((q[ql + l + 32]! & 0xf) | (((h >>> 2) & 3) << 4)) - 32;
      codes[base + 64] = ((q[ql + l]! >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
      codes[base + 96] = ((q[ql + l + 32]! >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
    }
  }
}

/** Pack unsigned codes L (0..63) into ql/qh, the inverse of unpackCodes. */
function packCodes(L: Uint8Array, q: Uint8Array, qo: number): void {
  for (let half = 0; half < 2; half++) {
    const j = 128 * half;
    const ql = qo + 64 * half;
    const qh = qo + OFF_QH + 32 * half;
    for (let l = 0; l < 32; l++) {
      const l0 = L[j + l]!;
      const l1 = L[j + l + 32]!;
      const l2 = L[j + l + 64]!;
      const l3 = L[j + l + 96]!;
      q[ql + l] = (l0 & 0xf) | ((l2 & 0xf) << 4);
      q[ql + l + 32] = (l1 & 0xf) | ((l3 & 0xf) << 4);
      q[qh + l] = (l0 >>> 4) | ((l1 >>> 4) << 2) | ((l2 >>> 4) << 4) | ((l3 >>> 4) << 6);
    }
  }
}

/**
 * One super-block, as quantize_row_q6_K_ref (qw undefined) or quantize_row_q6_K_impl (qw = the 256
 * imatrix values of this block's columns; ggml passes them to make_qx_quants unchanged).
 */
function quantizeBlock(
  x: Float32Array,
  xo: number,
  q: Uint8Array,
  qo: number,
  qw: Float32Array | undefined,
): void {
  const L = new Uint8Array(QK_K);
  const scales = new Float32Array(QK_K / 16);
  // Per sub-block scale search; remember the scale of largest magnitude (first one wins ties).
  let maxScale = 0;
  let maxAbsScale = 0;
  for (let ib = 0; ib < QK_K / 16; ib++) {
    const xs = x.subarray(xo + 16 * ib, xo + 16 * ib + 16);
    const w = qw?.subarray(16 * ib, 16 * ib + 16);
    const scale = makeQxQuants(16, 32, xs, L.subarray(16 * ib, 16 * ib + 16), 1, w);
    scales[ib] = scale;
    const abs = Math.abs(scale);
    if (abs > maxAbsScale) {
      maxAbsScale = abs;
      maxScale = scale;
    }
  }
  // All sub-block scales ~0: the whole block is zero bytes (d = +0, codes 0 meaning −32·0).
  if (maxAbsScale < GROUP_MAX_EPS) {
    q.fill(0, qo, qo + BYTES);
    return;
  }
  // Quantize the scales to int8 with the largest one at −128 (MIN(127, ·) for the opposite sign).
  const iscale = fround(-128 / maxScale);
  writeF16(q, qo + OFF_D, fround(1 / iscale));
  for (let ib = 0; ib < QK_K / 16; ib++) {
    writeI8(q, qo + OFF_SCALES + ib, Math.min(127, nearestInt(fround(iscale * scales[ib]!))));
  }
  // Re-derive the codes against the scales as stored (fp16 d times int8 scale); a zero scale keeps the
  // codes make_qx_quants chose, as ggml does.
  const dStored = readF16(q, qo + OFF_D);
  for (let j = 0; j < QK_K / 16; j++) {
    const d = fround(dStored * readI8(q, qo + OFF_SCALES + j));
    if (!cTrue(d)) continue; // C's `if (!d)`: a NaN scale is not skipped
    for (let ii = 0; ii < 16; ii++) {
      const l = clampInt(nearestInt(fround(x[xo + 16 * j + ii]! / d)), -32, 31);
      L[16 * j + ii] = l + 32;
    }
  }
  packCodes(L, q, qo);
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo + OFF_D);
  const codes = new Int8Array(QK_K);
  unpackCodes(q, qo, codes);
  // y = d · sc · code, evaluated left to right in float32 (d·sc first).
  for (let j = 0; j < QK_K; j++) {
    const sc = readI8(q, qo + OFF_SCALES + (j >>> 4));
    y[yo + j] = fround(fround(d * sc) * codes[j]!);
  }
}

/**
 * ggml_vec_dot_q6_K_q8_K_generic: per block, integer products accumulate into 8 int32 lanes (lane = j mod 8)
 * weighted by the sub-block scale; each lane is then scaled by d_x·d_y into 8 float32 running sums, which
 * are added in lane order at the very end.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  const sums = new Float32Array(8);
  const aux32 = new Int32Array(8);
  const codes = new Int8Array(QK_K);
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    unpackCodes(x, xo, codes);
    aux32.fill(0);
    for (let j = 0; j < QK_K; j++) {
      const scale = readI8(x, xo + OFF_SCALES + (j >>> 4));
      aux32[j & 7]! += scale * (readI8(y, yo + Q8K_QS + j) * codes[j]!);
    }
    const d = fround(readF16(x, xo + OFF_D) * readF32(y, yo));
    for (let l = 0; l < 8; l++) sums[l] = fround(sums[l]! + fround(d * fround(aux32[l]!)));
  }
  let sumf = 0;
  for (let l = 0; l < 8; l++) sumf = fround(sumf + sums[l]!);
  return sumf;
}

export const q6_k: GgmlTypeImpl = {
  name: 'q6_k',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      const qw = imatrix?.subarray(b * QK_K, (b + 1) * QK_K);
      quantizeBlock(x, b * QK_K, q, b * BYTES, qw);
    }
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
