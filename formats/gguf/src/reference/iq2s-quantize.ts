/**
 * quantize_row_iq2_s_impl of ggml-quants.c: per 16 weights the signs set aside (stored as explicit bits),
 * a scan of 19 trial scales snapping groups of 8 to iq2s_grid (neighbour search with the nearest shell
 * only), then d = max_scale/31 (stored times 0.9875) and 4-bit scales per 16 weights.
 */
import { clampInt, fround, nearestInt, writeF16 } from './float32.ts';
import { ggmlAbort, QK_K } from './iq-common.ts';
import { gridSearch } from './iq-neighbours.ts';
import { gridIndexOf, MAX, Scratch, scanTrialScales, setWeights, superBlockSumX2 } from './iq-search.ts';
import { setAsideSigns } from './iq3-quantize.ts';

/** GROUP_MAX_EPS_IQ2_S: a 16-weight block whose largest |x| is below it is stored as zeros. */
const GROUP_MAX_EPS_IQ2_S = fround(1e-8);
const SCAN = { isMax: 9, step: fround(0.1), onlyOffGrid: true, onGridInit: true } as const;

export function quantizeRowIq2S(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const b = new Scratch(16, gridSearch.iq2s(), 3);
  const scales = new Float32Array(16);
  const blockSigns = new Uint8Array(2);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 82 * ibl;
    q.fill(0, qo, qo + 82);
    let maxScale = 0;
    const sigma2 = fround(fround(2 * superBlockSumX2(x, QK_K * ibl)) / QK_K);
    // without an imatrix: w = 0.25·sigma2 + x²
    const quarter = fround(0.25 * sigma2);
    const noImatrix = (xi: number) => fround(quarter + fround(xi * xi));
    for (let ib = 0; ib < 16; ib++) {
      const xo = QK_K * ibl + 16 * ib;
      setWeights(b, x, xo, imatrix, sigma2, noImatrix);
      for (let k = 0; k < 2; k++) blockSigns[k] = setAsideSigns(b, x, xo, k, false);
      let max = b.xval[0]!;
      for (let i = 1; i < 16; i++) max = MAX(max, b.xval[i]!);
      b.L.fill(0);
      if (max < GROUP_MAX_EPS_IQ2_S) {
        scales[ib] = 0;
        continue;
      }
      let scale = scanTrialScales(b, max, fround(max / 5), SCAN);
      if (scale < 0) {
        scale = -scale;
        for (let k = 0; k < 2; k++) blockSigns[k] = ~blockSigns[k]! & 0xff;
      }
      for (let k = 0; k < 2; k++) {
        const g = gridIndexOf(b, b.L, k, 'iq2_s');
        const i8 = 2 * ib + k;
        q[qo + 2 + i8] = g & 255;
        q[qo + 66 + (i8 >> 2)] = q[qo + 66 + (i8 >> 2)]! | ((g >> 8) << (2 * (i8 % 4)));
        q[qo + 34 + i8] = blockSigns[k]!;
      }
      if (!(scale >= 0)) ggmlAbort('iq2_s', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) continue;
    const d = fround(maxScale / 31);
    writeF16(q, qo, fround(d * fround(0.9875)));
    const id = fround(1 / d);
    for (let ib = 0; ib < 16; ib++) {
      const l = clampInt(nearestInt(fround(0.5 * fround(fround(id * scales[ib]!) - 1))), 0, 15);
      q[qo + 74 + (ib >> 1)] = ib % 2 === 0 ? l : q[qo + 74 + (ib >> 1)]! | (l << 4);
    }
  }
}
