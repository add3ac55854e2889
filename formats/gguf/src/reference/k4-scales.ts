/**
 * The shared half of q4_K and q5_K (ggml-quants.c): eight sub-blocks of 32 with a 6-bit scale and a 6-bit
 * min each, packed into 12 bytes (get_scale_min_k4), under fp16 super-block scales d and dmin.
 *  - kScalesRef: quantize_row_q4_K_ref / quantize_row_q5_K_ref — make_qkx2_quants per sub-block with
 *    weights av_x + |x|, then the scales and mins rounded to 6 bits against their maxima.
 *  - kScalesImatrix: quantize_row_q4_K_impl / q5_K_impl with quant_weights — make_qkx3_quants weighted by
 *    imatrix·sqrt(sigma2 + x²), then make_qp_quants over the eight scales and the eight mins.
 * Both end by re-quantizing the codes against the stored (fp16 × 6-bit) scales, as ggml does.
 * Block layout: d (f16) at 0, dmin (f16) at 2, scales[12] at 4. Scratch arrays are module-level and reused.
 */
import { cTrue } from './c-semantics.ts';
import { readF16, writeF16 } from './float32.ts';
import {
  makeQkx3Quants,
  makeQkxQuants,
  makeQpQuants,
  nearestInt as nearestIntFast,
} from './make-qkx-quants.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the per-element loops below.
const fround = Math.fround;
const nearestInt = nearestIntFast;

export const QK_K = 256;
const OFF_DMIN = 2;
const OFF_SCALES = 4;

const weights = new Float32Array(32);
const laux = new Uint8Array(32);
const scales = new Float32Array(8);
const mins = new Float32Array(8);
const sw = new Float32Array(8);
const ls = new Uint8Array(8);
const lm = new Uint8Array(8);
const subSumX2 = new Float32Array(8);

/** Pack six-bit scale ls[j] and min lm[j] (j = 0..7) into the 12 scale bytes at q[off..off+12). */
function packScalesMins(q: Uint8Array, off: number): void {
  for (let j = 0; j < 8; j++) {
    const s = ls[j]!;
    const m = lm[j]!;
    if (j < 4) {
      q[off + j] = s;
      q[off + j + 4] = m;
    } else {
      // Low 4 bits of scale and min share byte j+4; their top 2 bits go to bits 6..7 of bytes j−4 and j.
      q[off + j + 4] = (s & 0x0f) | ((m & 0x0f) << 4);
      q[off + j - 4] = q[off + j - 4]! | ((s >>> 4) << 6);
      q[off + j] = q[off + j]! | ((m >>> 4) << 6);
    }
  }
}

/** get_scale_min_k4: the 6-bit scale of sub-block j (0..7) of the block at q[qo..]. */
export function k4Scale(q: Uint8Array, qo: number, j: number): number {
  const s = qo + OFF_SCALES;
  return j < 4 ? q[s + j]! & 63 : (q[s + j + 4]! & 0x0f) | ((q[s + j - 4]! >>> 6) << 4);
}

/** get_scale_min_k4: the 6-bit min of sub-block j (0..7) of the block at q[qo..]. */
export function k4Min(q: Uint8Array, qo: number, j: number): number {
  const s = qo + OFF_SCALES;
  return j < 4 ? q[s + j + 4]! & 63 : (q[s + j + 4]! >>> 4) | ((q[s + j]! >>> 6) << 4);
}

/** Re-quantize every sub-block's codes against the stored scales: l = nearest_int((x + dm)/d), 0..nmax. */
function requantize(
  x: Float32Array,
  xo: number,
  q: Uint8Array,
  qo: number,
  nmax: number,
  L: Uint8Array,
): void {
  const dAll = readF16(q, qo);
  const mAll = readF16(q, qo + OFF_DMIN);
  for (let j = 0; j < 8; j++) {
    const d = fround(dAll * k4Scale(q, qo, j));
    if (!cTrue(d)) continue; // C's `if (!d)`: a NaN scale is not skipped
    const dm = fround(mAll * k4Min(q, qo, j));
    for (let ii = 0; ii < 32; ii++) {
      const l = nearestInt(fround(fround(x[xo + 32 * j + ii]! + dm) / d));
      L[32 * j + ii] = l < 0 ? 0 : l > nmax ? nmax : l;
    }
  }
}

/**
 * quantize_row_q{4,5}_K_ref for the block at x[xo..xo+256): writes d, dmin and the 12 scale bytes at q[qo..]
 * and the 256 codes (0..nmax) to L. (rmin, rdelta, nstep) are the make_qkx2_quants search parameters.
 */
export function kScalesRef(
  x: Float32Array,
  xo: number,
  q: Uint8Array,
  qo: number,
  nmax: number,
  rmin: number,
  rdelta: number,
  nstep: number,
  L: Uint8Array,
): void {
  // Σx² of the eight sub-blocks, each in float32 in its own order; the eight chains run side by side.
  subSumX2.fill(0);
  for (let l = 0; l < 32; l++) {
    for (let j = 0; j < 8; j++) {
      const v = x[xo + 32 * j + l]!;
      subSumX2[j] = fround(subSumX2[j]! + fround(v * v));
    }
  }
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 8; j++) {
    // Weights av_x + |x| with av_x the sub-block's RMS.
    const so = xo + 32 * j;
    const avX = fround(Math.sqrt(fround(subSumX2[j]! / 32)));
    for (let l = 0; l < 32; l++) weights[l] = fround(avX + Math.abs(x[so + l]!));
    scales[j] = makeQkxQuants(32, nmax, x, so, weights, L, 32 * j, mins, j, laux, rmin, rdelta, nstep, false);
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  // Six-bit scales and mins relative to their maxima (uint8_t stores, then capped at 63).
  const invScale = maxScale > 0 ? fround(63 / maxScale) : 0;
  const invMin = maxMin > 0 ? fround(63 / maxMin) : 0;
  for (let j = 0; j < 8; j++) {
    ls[j] = Math.min(63, nearestInt(fround(invScale * scales[j]!)) & 0xff);
    lm[j] = Math.min(63, nearestInt(fround(invMin * mins[j]!)) & 0xff);
  }
  q.fill(0, qo + OFF_SCALES, qo + OFF_SCALES + 12);
  packScalesMins(q, qo + OFF_SCALES);
  writeF16(q, qo, fround(maxScale / 63));
  writeF16(q, qo + OFF_DMIN, fround(maxMin / 63));
  requantize(x, xo, q, qo, nmax, L);
}

/**
 * quantize_row_q{4,5}_K_impl with quant_weights for block i of a row (x[xo..xo+256), imatrix[xo..]): writes
 * d, dmin and scale bytes at q[qo..] and the codes to L. `capAt63` is q5_K's MIN(63, ·) on the packed values.
 */
export function kScalesImatrix(
  x: Float32Array,
  xo: number,
  imatrix: Float32Array,
  q: Uint8Array,
  qo: number,
  nmax: number,
  capAt63: boolean,
  L: Uint8Array,
): void {
  // sigma2 = 2·Σx²/256 over the super-block.
  let sumX2 = 0;
  for (let l = 0; l < QK_K; l++) sumX2 = fround(sumX2 + fround(x[xo + l]! * x[xo + l]!));
  const sigma2 = fround(fround(2 * sumX2) / QK_K);
  for (let j = 0; j < 8; j++) {
    const so = xo + 32 * j;
    let sumW = 0;
    for (let l = 0; l < 32; l++) {
      const xl = x[so + l]!;
      weights[l] = fround(imatrix[so + l]! * fround(Math.sqrt(fround(sigma2 + fround(xl * xl)))));
      sumW = fround(sumW + weights[l]!);
    }
    sw[j] = sumW;
    scales[j] = makeQkx3Quants(32, nmax, x, so, weights, L, 32 * j, mins, j, laux);
  }
  // Scales and mins to 6 bits by a weighted search of their own. q5_K_impl caps them with MIN(63, ·);
  // q4_K_impl packs them as they come (make_qp_quants keeps them ≤ 63 for non-negative inputs).
  const dBlock = makeQpQuants(8, 63, scales, ls, sw);
  const mBlock = makeQpQuants(8, 63, mins, lm, sw);
  if (capAt63) {
    for (let j = 0; j < 8; j++) {
      ls[j] = Math.min(63, ls[j]!);
      lm[j] = Math.min(63, lm[j]!);
    }
  }
  q.fill(0, qo + OFF_SCALES, qo + OFF_SCALES + 12);
  packScalesMins(q, qo + OFF_SCALES);
  writeF16(q, qo, dBlock);
  writeF16(q, qo + OFF_DMIN, mBlock);
  requantize(x, xo, q, qo, nmax, L);
}
