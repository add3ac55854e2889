/**
 * Q3_K (ggml-common.h block_q3_K): a 256-weight super-block of 16 sub-blocks of 16 weights; 3.4375 bits/weight.
 * Layout (110 bytes): hmask[32] high bit of each code, qs[64] low 2 bits, scales[12] sixteen 6-bit sub-block
 * scales (offset 32), d fp16 super-block scale. Value = d · (scale − 32) · (code − 4), code in 0..7.
 * Without an importance matrix: quantize_row_q3_K_ref (make_q3_quants per sub-block, scales quantized
 * against the largest-magnitude one). With one: quantize_row_q3_K_impl (weighted make_qx_quants per
 * sub-block, then make_qx_quants over the 16 scales weighted by each sub-block's total weight).
 */
import { cTrue } from './c-semantics.ts';
import { clampInt, fround, nearestInt, readF16, readF32, readI8, writeF16 } from './float32.ts';
import { makeQ3Quants } from './make-q3-quants.ts';
import { makeQxQuants } from './make-qx-quants.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK_K = 256;
const BYTES = 110;
const OFF_QS = 32;
const OFF_SCALES = 96;
const OFF_D = 108;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
const Q8K_BYTES = 292;
const Q8K_QS = 4;

/** C's conversion of an int to int8_t (wraps modulo 256, as gcc/clang do). */
function toInt8(v: number): number {
  return (v << 24) >> 24;
}

/**
 * The 6-bit scale j (0..63, before the −32 offset): low 4 bits in byte j (j < 8) or the high nibble of byte
 * j−8, high 2 bits in byte 8 + j%4 at bit 2·⌊j/4⌋. This is what dequantize_row_q3_K's kmask shuffle computes.
 */
function readScale(q: Uint8Array, so: number, j: number): number {
  const lo = j < 8 ? q[so + j]! & 0xf : q[so + j - 8]! >>> 4;
  return lo | (((q[so + 8 + (j % 4)]! >>> (2 * (j >>> 2))) & 3) << 4);
}

/** Store 16 unsigned 6-bit scales into the 12 scale bytes (which start zeroed). */
function writeScales(q: Uint8Array, so: number, ls: ArrayLike<number>): void {
  q.fill(0, so, so + 12);
  for (let j = 0; j < 16; j++) {
    const l = ls[j]!;
    if (j < 8) q[so + j] = l & 0xf;
    else q[so + j - 8]! |= (l & 0xf) << 4;
    q[so + 8 + (j % 4)]! |= (l >>> 4) << (2 * (j >>> 2));
  }
}

/** Signed code of element e: 2 bits from qs, minus 4 unless its hmask bit is set. */
function readCode(q: Uint8Array, qo: number, e: number): number {
  const half = e >>> 7;
  const j = (e >>> 5) & 3;
  const l = e & 31;
  const low = (q[qo + OFF_QS + 32 * half + l]! >>> (2 * j)) & 3;
  return q[qo + l]! & (1 << (e >>> 5)) ? low : low - 4;
}

/**
 * The tail shared by both quantize paths: recompute the codes against the stored d and 6-bit scales (a
 * sub-block whose d·scale is 0 keeps the search's codes), then split them into hmask bits and 2-bit qs.
 */
function finishBlock(x: Float32Array, xo: number, L: Int8Array, q: Uint8Array, qo: number): void {
  const dAll = readF16(q, qo + OFF_D);
  for (let j = 0; j < QK_K / 16; j++) {
    const d = fround(dAll * (readScale(q, qo + OFF_SCALES, j) - 32));
    if (!cTrue(d)) continue; // C's `if (!d)`: a NaN scale is not skipped
    for (let ii = 0; ii < 16; ii++) {
      const l = clampInt(nearestInt(fround(x[xo + 16 * j + ii]! / d)), -4, 3);
      L[16 * j + ii] = l + 4;
    }
  }
  // High bit of element j goes to hmask[j % 32], bit ⌊j/32⌋; the low 2 bits stay in L.
  q.fill(0, qo, qo + QK_K / 8);
  for (let j = 0; j < QK_K; j++) {
    if (L[j]! > 3) {
      q[qo + (j % 32)]! |= 1 << (j >>> 5);
      L[j] = L[j]! - 4;
    }
  }
  // qs[32h + l] holds elements 128h + l + 32k at bits 2k (k = 0..3).
  for (let h = 0; h < 2; h++) {
    const j = 128 * h;
    for (let l = 0; l < 32; l++) {
      q[qo + OFF_QS + 32 * h + l] =
        L[j + l]! | (L[j + l + 32]! << 2) | (L[j + l + 64]! << 4) | (L[j + l + 96]! << 6);
    }
  }
}

/** quantize_row_q3_K_ref for one super-block. */
function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  const L = new Int8Array(QK_K);
  const scales = new Float32Array(QK_K / 16);
  // Sub-block scales; the one of largest magnitude (first wins ties) sets the scale grid.
  let maxScale = 0;
  let amax = 0;
  for (let j = 0; j < QK_K / 16; j++) {
    scales[j] = makeQ3Quants(
      16,
      4,
      x.subarray(xo + 16 * j, xo + 16 * j + 16),
      L.subarray(16 * j, 16 * j + 16),
      true,
    );
    const s = Math.abs(scales[j]!);
    if (s > amax) {
      amax = s;
      maxScale = scales[j]!;
    }
  }
  if (maxScale) {
    // Scales to 6 bits with the largest at −32: int8_t l = nearest_int(iscale·s), clamp to −32..31, +32.
    const iscale = fround(-32 / maxScale);
    const ls = new Uint8Array(16);
    for (let j = 0; j < QK_K / 16; j++) {
      ls[j] = clampInt(toInt8(nearestInt(fround(iscale * scales[j]!))), -32, 31) + 32;
    }
    writeScales(q, qo + OFF_SCALES, ls);
    writeF16(q, qo + OFF_D, fround(1 / iscale));
  } else {
    q.fill(0, qo + OFF_SCALES, qo + OFF_SCALES + 12);
    writeF16(q, qo + OFF_D, 0);
  }
  finishBlock(x, xo, L, q, qo);
}

/** quantize_row_q3_K_impl for one super-block; qw = the imatrix values of this block's 256 columns. */
function quantizeBlockImatrix(
  x: Float32Array,
  xo: number,
  q: Uint8Array,
  qo: number,
  qw: Float32Array,
): void {
  const L = new Int8Array(QK_K);
  const scales = new Float32Array(QK_K / 16);
  const weight = new Float32Array(16);
  const sw = new Float32Array(QK_K / 16);
  const Ls = new Int8Array(QK_K / 16);
  // sigma2 = 2·Σx²/256 over this super-block.
  let sumx2 = 0;
  for (let j = 0; j < QK_K; j++) sumx2 = fround(sumx2 + fround(x[xo + j]! * x[xo + j]!));
  const sigma2 = fround(fround(2 * sumx2) / QK_K);
  for (let j = 0; j < QK_K / 16; j++) {
    // weight = imatrix · sqrt(sigma2 + x²); sw = Σ weight weights this sub-block's scale below.
    let sumw = 0;
    for (let l = 0; l < 16; l++) {
      const xv = x[xo + 16 * j + l]!;
      weight[l] = fround(qw[16 * j + l]! * fround(Math.sqrt(fround(sigma2 + fround(xv * xv)))));
    }
    for (let l = 0; l < 16; l++) sumw = fround(sumw + weight[l]!);
    sw[j] = sumw;
    scales[j] = makeQxQuants(
      16,
      4,
      x.subarray(xo + 16 * j, xo + 16 * j + 16),
      L.subarray(16 * j, 16 * j + 16),
      1,
      weight,
    );
  }
  // The 16 scales themselves are quantized to 6 bits by a weighted make_qx_quants (nmax 32).
  const dBlock = makeQxQuants(QK_K / 16, 32, scales, Ls, 1, sw);
  writeScales(q, qo + OFF_SCALES, Ls);
  writeF16(q, qo + OFF_D, dBlock);
  finishBlock(x, xo, L, q, qo);
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const dAll = readF16(q, qo + OFF_D);
  for (let s = 0; s < QK_K / 16; s++) {
    // dl = d·(scale − 32) once per sub-block, then dl·code.
    const dl = fround(dAll * (readScale(q, qo + OFF_SCALES, s) - 32));
    for (let i = 16 * s; i < 16 * s + 16; i++) y[yo + i] = fround(dl * readCode(q, qo, i));
  }
}

/**
 * ggml_vec_dot_q3_K_q8_K_generic: integer products weighted by (scale − 32) accumulate in 8 int32 lanes
 * (lane = j mod 8); each lane times d_x·d_y goes into 8 float32 running sums, added in lane order at the end.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  const sums = new Float32Array(8);
  const aux32 = new Int32Array(8);
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    aux32.fill(0);
    for (let j = 0; j < QK_K; j++) {
      const scale = readScale(x, xo + OFF_SCALES, j >>> 4) - 32;
      aux32[j & 7]! += scale * (readI8(y, yo + Q8K_QS + j) * readCode(x, xo, j));
    }
    const d = fround(readF16(x, xo + OFF_D) * readF32(y, yo));
    for (let l = 0; l < 8; l++) sums[l] = fround(sums[l]! + fround(d * fround(aux32[l]!)));
  }
  let sumf = 0;
  for (let l = 0; l < 8; l++) sumf = fround(sumf + sums[l]!);
  return sumf;
}

export const q3_k: GgmlTypeImpl = {
  name: 'q3_k',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      if (imatrix)
        quantizeBlockImatrix(x, b * QK_K, q, b * BYTES, imatrix.subarray(b * QK_K, (b + 1) * QK_K));
      else quantizeBlockRef(x, b * QK_K, q, b * BYTES);
    }
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
