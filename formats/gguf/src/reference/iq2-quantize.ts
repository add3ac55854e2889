/**
 * quantize_row_iq2_xxs_impl and quantize_row_iq2_xs_impl of ggml-quants.c. Both require an importance
 * matrix (ggml asserts it; the codec refuses earlier with 'codec.imatrix-required'). Weights are
 * imatrix·sqrt(Σx²/256 + x²); signs are set aside with even parity per group of 8 (ksigns_iq2xs), so an odd
 * count flips the least important weight. iq2_xxs: per 32 weights a make_qp_quants start and 13 trial
 * scales, then every group re-snapped; iq2_xs: per 16 weights the 19-trial scan with off-grid refit.
 * d = max_scale/31 (no fudge factor), 4-bit scales ls = clamp(nearest_int(0.5·(s/d − 1)), 0, 15).
 */
import { clampInt, fround, GROUP_MAX_EPS, nearestInt, writeF16 } from './float32.ts';
import { ggmlAbort, QK_K } from './iq-common.ts';
import { gridSearch } from './iq-neighbours.ts';
import { gridIndexOf, MAX, Scratch, scanTrialScales, setWeights, superBlockSumX2 } from './iq-search.ts';
import { setAsideSigns } from './iq3-quantize.ts';
import { makeQpQuants } from './make-qkx-quants.ts';

const XXS_SCAN = {
  isMax: 6,
  step: fround(0.1),
  onlyOffGrid: false,
  onGridInit: true,
  alwaysRefit: true,
} as const;
const XS_SCAN = { isMax: 9, step: fround(0.1), onlyOffGrid: true, onGridInit: true } as const;

function requireImatrix(format: string, imatrix: Float32Array | undefined): Float32Array {
  if (!imatrix) ggmlAbort(format, 'GGML_ASSERT(quant_weights && "missing quantization weights")');
  return imatrix;
}

const scaleCode = (id: number, s: number) =>
  clampInt(nearestInt(fround(0.5 * fround(fround(id * s) - 1))), 0, 15);
const unused = () => 0;

/** quantize_iq2_xxs for one row: 66-byte blocks (d, then per 32 weights grid indices and signs | ls << 28). */
export function quantizeRowIq2Xxs(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const qw = requireImatrix('iq2_xxs', imatrix);
  const b = new Scratch(32, gridSearch.iq2xxs(), 3);
  const scales = new Float32Array(8);
  const q2 = new Uint32Array(16);
  const blockSigns = new Uint8Array(4);
  const qp = new Uint8Array(32);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 66 * ibl;
    q.fill(0, qo, qo + 2);
    q2.fill(0);
    let maxScale = 0;
    const sigma2 = fround(superBlockSumX2(x, QK_K * ibl) / QK_K);
    for (let ib = 0; ib < 8; ib++) {
      const xo = QK_K * ibl + 32 * ib;
      setWeights(b, x, xo, qw, sigma2, unused);
      for (let k = 0; k < 4; k++) blockSigns[k] = setAsideSigns(b, x, xo, k, true) & 127;
      let max = b.xval[0]!;
      for (let i = 1; i < 32; i++) max = MAX(max, b.xval[i]!);
      if (max < GROUP_MAX_EPS) {
        scales[ib] = 0;
        continue;
      }
      // make_qp_quants (codes 0..3 of L as uint8_t) gives the starting scale; L keeps its codes until a trial wins
      let scale = makeQpQuants(32, 4, b.xval, qp, b.weight);
      for (let i = 0; i < 32; i++) b.L[i] = (qp[i]! << 24) >> 24;
      const effMax = fround(scale * 3);
      if (effMax <= 0) {
        scales[ib] = 0;
        continue;
      }
      scale = scanTrialScales(b, effMax, scale, XXS_SCAN);
      if (scale < 0) {
        scale = -scale;
        for (let k = 0; k < 4; k++) blockSigns[k] = ~blockSigns[k]! & 127;
      }
      for (let k = 0; k < 4; k++) {
        const g = gridIndexOf(b, b.L, k, 'iq2_xxs');
        q2[2 * ib] = (q2[2 * ib]! | (g << (8 * k))) >>> 0;
        q2[2 * ib + 1] = (q2[2 * ib + 1]! | (blockSigns[k]! << (7 * k))) >>> 0;
      }
      if (!(scale >= 0)) ggmlAbort('iq2_xxs', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) {
      q.fill(0, qo + 2, qo + 66);
      continue;
    }
    const d = fround(maxScale / 31);
    writeF16(q, qo, d);
    const id = fround(1 / d);
    for (let ib = 0; ib < 8; ib++)
      q2[2 * ib + 1] = (q2[2 * ib + 1]! | (scaleCode(id, scales[ib]!) << 28)) >>> 0;
    for (let w = 0; w < 16; w++)
      for (let k = 0; k < 4; k++) q[qo + 2 + 4 * w + k] = (q2[w]! >>> (8 * k)) & 0xff;
  }
}

/** quantize_iq2_xs for one row: 74-byte blocks (d, qs[32] = grid index | signs << 9, scales[8]). */
export function quantizeRowIq2Xs(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const qw = requireImatrix('iq2_xs', imatrix);
  const b = new Scratch(16, gridSearch.iq2xs(), 3);
  const scales = new Float32Array(16);
  const q2 = new Uint16Array(32);
  const blockSigns = new Uint8Array(2);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 74 * ibl;
    q.fill(0, qo, qo + 2);
    q.fill(0, qo + 66, qo + 74);
    q2.fill(0);
    let maxScale = 0;
    const sigma2 = fround(superBlockSumX2(x, QK_K * ibl) / QK_K);
    for (let ib = 0; ib < 16; ib++) {
      const xo = QK_K * ibl + 16 * ib;
      setWeights(b, x, xo, qw, sigma2, unused);
      for (let k = 0; k < 2; k++) blockSigns[k] = setAsideSigns(b, x, xo, k, true) & 127;
      let max = b.xval[0]!;
      for (let i = 1; i < 16; i++) max = MAX(max, b.xval[i]!);
      b.L.fill(0);
      if (max < GROUP_MAX_EPS) {
        scales[ib] = 0;
        continue;
      }
      let scale = scanTrialScales(b, max, fround(max / 5), XS_SCAN);
      if (scale < 0) {
        scale = -scale;
        for (let k = 0; k < 2; k++) blockSigns[k] = ~blockSigns[k]! & 127;
      }
      for (let k = 0; k < 2; k++) q2[2 * ib + k] = gridIndexOf(b, b.L, k, 'iq2_xs') | (blockSigns[k]! << 9);
      if (!(scale >= 0)) ggmlAbort('iq2_xs', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) {
      q.fill(0, qo + 2, qo + 66);
      continue;
    }
    const d = fround(maxScale / 31);
    writeF16(q, qo, d);
    const id = fround(1 / d);
    for (let ib = 0; ib < 16; ib++) {
      const l = scaleCode(id, scales[ib]!);
      q[qo + 66 + (ib >> 1)] = ib % 2 === 0 ? l : q[qo + 66 + (ib >> 1)]! | (l << 4);
    }
    for (let w = 0; w < 32; w++) {
      q[qo + 2 + 2 * w] = q2[w]! & 0xff;
      q[qo + 3 + 2 * w] = q2[w]! >>> 8;
    }
  }
}
