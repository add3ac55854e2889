/**
 * quantize_row_iq3_xxs_impl (grid 256) and quantize_row_iq3_s_impl (grid 512, block 32) of ggml-quants.c:
 * per 32 weights the signs set aside, a scan of trial scales snapping groups of 4 to the grid (iq-search.ts),
 * then one fp16 super-block scale d = max_scale/31 (stored times ggml's fudge factor) and 4-bit block scales
 * ls = clamp(nearest_int(0.5·(s/d − 1)), 0, 15).
 */
import { clampInt, fround, nearestInt, writeF16 } from './float32.ts';
import { ggmlAbort, QK_K } from './iq-common.ts';
import { gridSearch } from './iq-neighbours.ts';
import { gridIndexOf, MAX, Scratch, scanTrialScales, setWeights, superBlockSumX2 } from './iq-search.ts';

/** GROUP_MAX_EPS_IQ3_XXS: a 32-block whose largest |x| is below it is stored as zeros (iq3_xxs only). */
const GROUP_MAX_EPS_IQ3_XXS = fround(1e-8);
const XXS_SCAN = { isMax: 15, step: fround(0.2), onlyOffGrid: true, onGridInit: true } as const;
const S_SCAN = { isMax: 9, step: fround(0.2), onlyOffGrid: false, onGridInit: false } as const;

const square = (xi: number) => fround(xi * xi);

/** The 4-bit block scale code of block scale s against the float32 super-block d. */
function scaleCode(id: number, s: number): number {
  return clampInt(nearestInt(fround(0.5 * fround(fround(id * s) - 1))), 0, 15);
}

/**
 * Absolute values into b.xval for group k of 8 at xo; returns the sign bits. With `evenParity` an odd count
 * of negatives flips the weight with the smallest w·x² back (ksigns_iq2xs can only hold even parity).
 */
export function setAsideSigns(
  b: Scratch,
  x: Float32Array,
  xo: number,
  k: number,
  evenParity: boolean,
): number {
  let nflip = 0;
  let sg = 0;
  for (let i = 0; i < 8; i++) {
    const xi = x[xo + 8 * k + i]!;
    if (xi >= 0) b.xval[8 * k + i] = xi;
    else {
      b.xval[8 * k + i] = -xi;
      nflip++;
      sg |= 1 << i;
    }
  }
  if (evenParity && nflip % 2) {
    let imin = 0;
    let min = fround(fround(b.weight[8 * k]! * x[xo + 8 * k]!) * x[xo + 8 * k]!);
    for (let i = 1; i < 8; i++) {
      const ax = fround(fround(b.weight[8 * k + i]! * x[xo + 8 * k + i]!) * x[xo + 8 * k + i]!);
      if (ax < min) {
        min = ax;
        imin = i;
      }
    }
    b.xval[8 * k + imin] = -b.xval[8 * k + imin]!;
    sg ^= 1 << imin;
  }
  return sg;
}

function blockMax(b: Scratch): number {
  let max = b.xval[0]!;
  for (let i = 1; i < b.n; i++) max = MAX(max, b.xval[i]!);
  return max;
}

/** quantize_iq3_xxs for one row: 98-byte blocks (d, qs[64], scales_and_signs[8] uint32). */
export function quantizeRowIq3Xxs(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const b = new Scratch(32, gridSearch.iq3xxs(), 8);
  const scales = new Float32Array(8);
  const scalesAndSigns = new Uint32Array(8);
  const blockSigns = new Uint8Array(4);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 98 * ibl;
    q.fill(0, qo, qo + 98);
    scalesAndSigns.fill(0);
    let maxScale = 0;
    const sigma2 = fround(fround(2 * superBlockSumX2(x, QK_K * ibl)) / QK_K);
    for (let ib = 0; ib < 8; ib++) {
      const xo = QK_K * ibl + 32 * ib;
      setWeights(b, x, xo, imatrix, sigma2, square);
      for (let k = 0; k < 4; k++) blockSigns[k] = setAsideSigns(b, x, xo, k, true) & 127;
      const max = blockMax(b);
      b.L.fill(0);
      if (max < GROUP_MAX_EPS_IQ3_XXS) {
        scales[ib] = 0;
        continue;
      }
      let scale = scanTrialScales(b, max, fround(max / 15), XXS_SCAN);
      if (scale < 0) {
        // "should never happen" in ggml: flip the scale and the signs
        scale = -scale;
        for (let k = 0; k < 4; k++) blockSigns[k] = ~blockSigns[k]! & 127;
      }
      for (let k = 0; k < 8; k++) q[qo + 2 + 8 * ib + k] = gridIndexOf(b, b.L, k, 'iq3_xxs');
      scalesAndSigns[ib] =
        blockSigns[0]! | (blockSigns[1]! << 7) | (blockSigns[2]! << 14) | (blockSigns[3]! << 21);
      if (!(scale >= 0)) ggmlAbort('iq3_xxs', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) {
      q.fill(0, qo + 2, qo + 98);
      continue;
    }
    const d = fround(maxScale / 31);
    writeF16(q, qo, fround(d * fround(1.0125))); // ggml: "small improvement via this fudge factor"
    const id = fround(1 / d);
    for (let ib = 0; ib < 8; ib++) {
      const v = (scalesAndSigns[ib]! | (scaleCode(id, scales[ib]!) << 28)) >>> 0;
      for (let k = 0; k < 4; k++) q[qo + 66 + 4 * ib + k] = (v >>> (8 * k)) & 0xff;
    }
  }
}

/**
 * quantize_iq3_s for one row: 110-byte blocks (d, qs[64], qh[8], signs[32], scales[4]). As in ggml, a
 * 32-weight block with max |x| = 0 advances neither the qs nor the signs position, so later blocks of the
 * super-block are written that many groups early (qh is indexed by block and stays in place).
 */
export function quantizeRowIq3S(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const b = new Scratch(32, gridSearch.iq3s(), 8);
  const scales = new Float32Array(8);
  const blockSigns = new Uint8Array(4);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 110 * ibl;
    q.fill(0, qo, qo + 110);
    let qsPos = qo + 2;
    let signsPos = qo + 74;
    let maxScale = 0;
    const sigma2 = fround(fround(2 * superBlockSumX2(x, QK_K * ibl)) / QK_K);
    for (let ib = 0; ib < 8; ib++) {
      const xo = QK_K * ibl + 32 * ib;
      setWeights(b, x, xo, imatrix, sigma2, square);
      for (let k = 0; k < 4; k++) blockSigns[k] = setAsideSigns(b, x, xo, k, false);
      const max = blockMax(b);
      b.L.fill(0);
      if (!max) {
        scales[ib] = 0;
        continue;
      }
      let scale = scanTrialScales(b, max, fround(max / 15), S_SCAN);
      if (scale < 0) {
        scale = -scale;
        for (let k = 0; k < 4; k++) blockSigns[k] = ~blockSigns[k]! & 0xff;
      }
      for (let k = 0; k < 8; k++) {
        const g = gridIndexOf(b, b.L, k, 'iq3_s');
        q[qsPos + k] = g & 255;
        q[qo + 66 + ib] = q[qo + 66 + ib]! | ((g >> 8) << k);
      }
      qsPos += 8;
      q.set(blockSigns, signsPos);
      signsPos += 4;
      if (!(scale >= 0)) ggmlAbort('iq3_s', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) continue;
    const d = fround(maxScale / 31);
    writeF16(q, qo, fround(d * fround(1.033)));
    const id = fround(1 / d);
    for (let ib = 0; ib < 8; ib += 2)
      q[qo + 106 + ib / 2] = scaleCode(id, scales[ib]!) | (scaleCode(id, scales[ib + 1]!) << 4);
  }
}
