/**
 * ggml's asymmetric scale/min searches (ggml-quants.c), shared by q4_1, q5_1 (imatrix paths) and the
 * q2_K / q4_K / q5_K super-block quantizers:
 *  - makeQkxQuants = make_qkx2_quants and make_qkx3_quants. Given weights, the two functions do the same
 *    float arithmetic step for step (their only differences: make_qkx3 defaults to weights x² when none are
 *    given, and tests `max <= min` where make_qkx2 tests `max == min`: the same test, since max ≥ min always
 *    and a NaN fails both). Codes are unsigned 0..nmax, x ≈ scale·L − theMin.
 *  - makeQpQuants = make_qp_quants: a positive-only scale for quantizing the sub-block scales/mins
 *    themselves to nmax levels (q2_K, q4_K, q5_K imatrix paths).
 * Every float operation is rounded to float32 in C's order; arrays are addressed by offset so the hot
 * loops allocate nothing.
 *
 * makeQkxQuants is a plain transcription; the one shortcut, skipping a trial whose codes equal the previous
 * trial's, cannot change a result (see the loop). An earlier version skipped trials with error
 * brackets that assumed relative rounding error, which fails where weighted squared errors are float32
 * subnormals (tiny sub-blocks in rows of large values, huge imatrix weights); the live ggml oracle found
 * those blocks, and datasets/golden/ggml-oracle keeps them as regression cases.
 */
import { GROUP_MAX_EPS, nearestInt as nearestIntBits } from './float32.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the hot loops below.
const fround = Math.fround;
const nearestIntSlow = nearestIntBits;

/** Scratch for makeQkxQuants (blocks of at most 256): the block's weights, and fl(x − min) for the current min. */
const W = new Float32Array(256);
const XM = new Float32Array(256);

/**
 * ggml's nearest_int, fast path. For a float32 |v| < 2^22, v + 1.5·2^23 lands in [2^23, 2^24) where the
 * float32 spacing is 1, so nearest_int is exactly v rounded to the nearest integer, ties to even; outside
 * that range (and for NaN) the bit-pattern version in float32.ts reproduces ggml's wrapped result.
 */
export function nearestInt(v: number): number {
  if (!(v < 4194304 && v > -4194304)) return nearestIntSlow(v);
  // The same trick in double: adding 1.5·2^52 leaves no fraction bits, so the adder rounds v (exact in
  // double) to an integer, ties to even; subtracting it back is exact.
  return (v + 6755399441055744 - 6755399441055744) | 0;
}

/**
 * make_qkx2_quants / make_qkx3_quants on x[xo .. xo+n). Writes codes to L[lo .. lo+n) (Laux is n bytes of
 * scratch), the min offset −min to mins[mi], and returns the float32 scale. `weights` (indexed from 0) may be
 * omitted only for the make_qkx3 default (w = x²). A winning trial's min is assigned unconditionally, as in
 * C: +0 replaces −0 (a guard like `thisMin !== min` would keep −0, since +0 === −0, and store m = −0).
 */
export function makeQkxQuants(
  n: number,
  nmax: number,
  x: Float32Array,
  xo: number,
  weights: Float32Array | undefined,
  L: Uint8Array,
  lo: number,
  mins: Float32Array,
  mi: number,
  Laux: Uint8Array,
  rmin: number,
  rdelta: number,
  nstep: number,
  useMad: boolean,
): number {
  const w = W;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    w[i] = weights ? weights[i]! : fround(xi * xi);
  }
  let min = x[xo]!;
  let max = min;
  let sumW = w[0]!;
  let sumX = fround(sumW * min);
  for (let i = 1; i < n; i++) {
    const xi = x[xo + i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    sumW = fround(sumW + w[i]!);
    sumX = fround(sumX + fround(w[i]! * xi));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    mins[mi] = -min;
    return 0;
  }
  let iscale = fround(nmax / fround(max - min));
  let scale = fround(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const l0 = nearestInt(fround(iscale * fround(xi - min)));
    const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
    L[lo + i] = l;
    let diff = fround(fround(fround(scale * l) + min) - xi);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    bestError = fround(bestError + fround(w[i]! * diff));
  }
  if (nstep < 1) {
    mins[mi] = -min;
    return scale;
  }
  // fl(x − min) is the same value in every trial until a win moves min: computed once per min.
  const xm = XM;
  for (let i = 0; i < n; i++) xm[i] = fround(x[xo + i]! - min);
  for (let is = 0; is <= nstep; is++) {
    iscale = fround(fround(fround(rmin + fround(rdelta * is)) + nmax) / fround(max - min));
    let changed = is === 0;
    for (let i = 0; i < n; i++) {
      const l0 = nearestInt(fround(iscale * xm[i]!));
      const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
      if (Laux[i] !== l) {
        Laux[i] = l;
        changed = true;
      }
    }
    // The fit and its error depend only on the codes (not on iscale or min): a trial with the previous
    // trial's codes reproduces that trial's error, which cannot be below best_error any more. Skipping it
    // is exact, and saves most of the 37 trials on smooth data.
    if (!changed) continue;
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Laux[i]!;
      const wl = fround(w[i]! * l);
      sumL = fround(sumL + wl);
      sumL2 = fround(sumL2 + fround(wl * l));
      sumXL = fround(sumXL + fround(wl * x[xo + i]!));
    }
    const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
    if (D > 0) {
      let thisScale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let thisMin = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fround(sumXL / sumL2);
      }
      let curError = 0;
      for (let i = 0; i < n; i++) {
        let diff = fround(fround(fround(thisScale * Laux[i]!) + thisMin) - x[xo + i]!);
        diff = useMad ? Math.abs(diff) : fround(diff * diff);
        curError = fround(curError + fround(w[i]! * diff));
      }
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lo + i] = Laux[i]!;
        bestError = curError;
        scale = thisScale;
        min = thisMin;
        for (let i = 0; i < n; i++) xm[i] = fround(x[xo + i]! - min);
      }
    }
  }
  mins[mi] = -min;
  return scale;
}

/**
 * make_qp_quants: quantize n non-negative values x (sub-block scales or mins) to codes 0..nmax with one
 * positive scale, weighted by quantWeights. Codes go to L (uint8_t in ggml: stores wrap to 8 bits);
 * returns the float32 scale.
 */
export function makeQpQuants(
  n: number,
  nmax: number,
  x: Float32Array,
  L: Uint8Array,
  quantWeights: Float32Array,
): number {
  let max = 0;
  for (let i = 0; i < n; i++) max = max > x[i]! ? max : x[i]!; // ggml's MAX(a, b) = a > b ? a : b
  if (max < GROUP_MAX_EPS) {
    L.fill(0, 0, n);
    return 0;
  }
  // Start from the scale that maps the largest value to nmax, and its weighted squared error.
  let iscale = fround(nmax / max);
  for (let i = 0; i < n; i++) L[i] = nearestInt(fround(iscale * x[i]!)) & 0xff;
  const scale = fround(1 / iscale);
  let bestMse = 0;
  for (let i = 0; i < n; i++) {
    const diff = fround(x[i]! - fround(scale * L[i]!));
    bestMse = fround(bestMse + fround(fround(quantWeights[i]! * diff) * diff));
  }
  // Eight nearby scales (nmax ± 0.1·is)/max; keep the one with the smallest weighted error.
  for (let is = -4; is <= 4; is++) {
    if (is === 0) continue;
    const iscaleIs = fround(fround(fround(fround(0.1) * is) + nmax) / max);
    const scaleIs = fround(1 / iscaleIs);
    let mse = 0;
    for (let i = 0; i < n; i++) {
      const l0 = nearestInt(fround(iscaleIs * x[i]!));
      const l = l0 < nmax ? l0 : nmax;
      const diff = fround(x[i]! - fround(scaleIs * l));
      mse = fround(mse + fround(fround(quantWeights[i]! * diff) * diff));
    }
    if (mse < bestMse) {
      bestMse = mse;
      iscale = iscaleIs;
    }
  }
  // Codes at the chosen scale, and the weighted sums Σw·x·l, Σw·l² of the least-squares scale.
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const l0 = nearestInt(fround(iscale * x[i]!));
    const l = l0 < nmax ? l0 : nmax;
    L[i] = l & 0xff;
    const w = quantWeights[i]!;
    sumlx = fround(sumlx + fround(fround(w * x[i]!) * l));
    suml2 = fround(suml2 + fround(fround(w * l) * l));
  }
  // Up to 5 rounds of coordinate descent: move one code at a time when that improves (Σwxl)²/Σwl².
  for (let itry = 0; itry < 5; itry++) {
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const w = quantWeights[i]!;
      const xi = x[i]!;
      const li = L[i]!;
      let slx = fround(sumlx - fround(fround(w * xi) * li));
      let sl2 = fround(suml2 - fround(fround(w * li) * li));
      if (slx > 0 && sl2 > 0) {
        const nl0 = nearestInt(fround(fround(xi * sl2) / slx));
        const newL = nl0 < nmax ? nl0 : nmax;
        if (newL !== li) {
          slx = fround(slx + fround(fround(w * xi) * newL));
          sl2 = fround(sl2 + fround(fround(w * newL) * newL));
          if (fround(fround(slx * slx) * suml2) > fround(fround(sumlx * sumlx) * sl2)) {
            L[i] = newL & 0xff;
            sumlx = slx;
            suml2 = sl2;
            nChanged++;
          }
        }
      }
    }
    if (!nChanged) break;
  }
  return suml2 > 0 ? fround(sumlx / suml2) : 0;
}

const QKX3_RMIN = Math.fround(-0.9);
const QKX3_RDELTA = Math.fround(0.05);

/**
 * make_qkx3_quants as every ggml quantize_row_*_impl with quant_weights calls it (q4_1, q5_1, q2_K, q4_K,
 * q5_K): rmin −0.9, rdelta 0.05, nstep 36, no MAD. Arguments and result as makeQkxQuants.
 */
export function makeQkx3Quants(
  n: number,
  nmax: number,
  x: Float32Array,
  xo: number,
  weights: Float32Array,
  L: Uint8Array,
  lo: number,
  mins: Float32Array,
  mi: number,
  Laux: Uint8Array,
): number {
  return makeQkxQuants(n, nmax, x, xo, weights, L, lo, mins, mi, Laux, QKX3_RMIN, QKX3_RDELTA, 36, false);
}
