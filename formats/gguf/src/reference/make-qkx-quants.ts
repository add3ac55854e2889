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
 */
import { GROUP_MAX_EPS, nearestInt as nearestIntBits } from './float32.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the hot loops below.
const fround = Math.fround;
const nearestIntSlow = nearestIntBits;

/** Scratch for makeQkxQuants (blocks of at most 256): the block, its weights, and x − min. */
const XS = new Float32Array(256);
const W = new Float32Array(256);
const XM = new Float32Array(256);
const TERMS = new Float32Array(256);
const LEVELS = new Float32Array(256);

/**
 * ggml's nearest_int, fast path. For a float32 |v| < 2^22, v + 1.5·2^23 lands in [2^23, 2^24) where the
 * float32 spacing is 1, so nearest_int is exactly v rounded to the nearest integer, ties to even; outside
 * that range (and for NaN) the bit-pattern version in float32.ts reproduces ggml's wrapped result.
 * (`a + C - C` parses as `(a + C) - C`.)
 */
export function nearestInt(v: number): number {
  if (!(v < 4194304 && v > -4194304)) return nearestIntSlow(v);
  // The same trick in double: adding 1.5·2^52 leaves no fraction bits, so the adder rounds v (exact in
  // double) to an integer, ties to even; subtracting it back is exact.
  return (v + 6755399441055744 - 6755399441055744) | 0;
}

/**
 * make_qkx2_quants / make_qkx3_quants on x[xo .. xo+n). Writes codes to L[lo .. lo+n) (Laux is n bytes of
 * scratch), the min offset −min (≥ 0) to mins[mi], and returns the float32 scale. `weights` (indexed from 0)
 * may be omitted only for the make_qkx3 default (w = x²).
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
  // Local copies (the block, its weights) so the trial loops index from 0 without branches.
  const xs = XS;
  const w = W;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    xs[i] = xi;
    w[i] = weights ? weights[i]! : fround(xi * xi);
  }
  // Range and the weighted sums Σw, Σw·x that the least-squares fit needs.
  let min = xs[0]!;
  let max = min;
  let sumW = w[0]!;
  let sumX = fround(sumW * xs[0]!);
  for (let i = 1; i < n; i++) {
    const xi = xs[i]!;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    sumW = fround(sumW + w[i]!);
    sumX = fround(sumX + fround(w[i]! * xi));
  }
  // Exact-real sums Σw, Σw·x, Σw·x² in double for the lower bound on a trial's error (see errorLowerBound);
  // the bound needs non-negative finite weights and inputs and squared error, else every trial is evaluated.
  let bounded = !useMad;
  let dW = 0;
  let dX = 0;
  let dXX = 0;
  for (let i = 0; i < n; i++) {
    const wi = w[i]!;
    const xi = xs[i]!;
    if (!(wi >= 0 && wi < Infinity && Math.abs(xi) < Infinity)) bounded = false;
    dW += wi;
    dX += wi * xi;
    dXX += wi * xi * xi;
  }
  // The min is never positive: a block of positive values is coded from 0.
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0, lo, lo + n);
    mins[mi] = -min;
    return 0;
  }
  // x − min in float32, refreshed whenever min changes.
  const xm = XM;
  for (let i = 0; i < n; i++) xm[i] = xs[i]! - min;
  // Start: the scale that spreads [min, max] over 0..nmax, and its weighted error.
  let iscale = fround(nmax / fround(max - min));
  let scale = fround(1 / iscale);
  let bestError = 0;
  for (let i = 0; i < n; i++) {
    const l = nearestInt(fround(iscale * xm[i]!));
    const li = l < 0 ? 0 : l > nmax ? nmax : l;
    L[lo + i] = li;
    let diff = fround(fround(fround(scale * li) + min) - xs[i]!);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    bestError = fround(bestError + fround(w[i]! * diff));
  }
  if (nstep < 1) {
    mins[mi] = -min;
    return scale;
  }
  // Try nstep+1 trial scales (rmin + rdelta·is + nmax)/(max − min); for each, fit scale and min by
  // weighted least squares on the codes it gives, and keep the fit with the smallest error. As in ggml,
  // once a fit wins, its min is the one later trials measure from (codes and range both move).
  // The fit below depends only on the codes (not on iscale or min), so a trial whose codes equal the
  // previous trial's reproduces that trial's error exactly, which cannot beat bestError: skip it.
  for (let is = 0; is <= nstep; is++) {
    iscale = fround(fround(fround(rmin + fround(rdelta * is)) + nmax) / fround(max - min));
    let same = is > 0;
    for (let i = 0; i < n; i++) {
      const l0 = nearestInt(fround(iscale * xm[i]!));
      const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
      if (Laux[i] !== l) {
        Laux[i] = l;
        same = false;
      }
    }
    if (same) continue;
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    let dL = 0;
    let dL2 = 0;
    let dXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Laux[i]!;
      const wi = w[i]!;
      const xi = xs[i]!;
      const wl = fround(wi * l);
      sumL = fround(sumL + wl);
      sumL2 = fround(sumL2 + fround(wl * l));
      sumXL = fround(sumXL + fround(wl * xi));
      // The same sums in double (w·l·x is exact in double for l < 2^5): the error bound's inputs.
      const dwl = wi * l;
      dL += dwl;
      dL2 += dwl * l;
      dXL += dwl * xi;
    }
    const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
    if (D > 0) {
      let thisScale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let thisMin = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fround(sumXL / sumL2);
      }
      if (bounded && errorLowerBound(n, thisScale, thisMin, dW, dX, dXX, dL, dL2, dXL) >= bestError) continue;
      const curError = trialError(n, nmax, thisScale, thisMin, Laux, xs, w, useMad, bestError);
      if (curError < bestError) {
        for (let i = 0; i < n; i++) L[lo + i] = Laux[i]!;
        bestError = curError;
        scale = thisScale;
        if (thisMin !== min) {
          min = thisMin;
          for (let i = 0; i < n; i++) xm[i] = xs[i]! - min;
        }
      }
    }
  }
  mins[mi] = -min;
  return scale;
}

/** 2^−24 and 2^−53: unit roundoff of float32 and of double. */
const U32 = 5.960464477539063e-8;
const U64 = 1.1102230246251565e-16;

/**
 * A lower bound on the float32 error ggml computes for a trial, Σ fl(w·fl(d²)) with
 * d = fl(fl(fl(s·l) + m) − x) summed in float32, from the trial's exact sums alone (no pass over the block):
 *  1. E = ‖s·l + m − x‖²_w expanded in the sums, evaluated in double; its rounding (and the double sums'
 *     own) is at most 128·2^−53 times the sum of the magnitudes of the expansion's terms.
 *  2. Per element |d − (s·l + m − x)| ≤ (1+ε)·u·(|s·l| + |s·l + m| + |d|) (three float32 roundings, u = 2^−24;
 *     4u is used), so by Minkowski ‖d‖_w ≥ √E − 4u·(‖s·l‖_w + ‖s·l + m‖_w + ‖s·l + m − x‖_w).
 *  3. Rounding the squares, the products with w ≥ 0 and the float32 sum of non-negative terms lose at most
 *     a factor (1 − (n+1)·u); (n+8)·2u is used, and 2^−126·n covers float32 underflow.
 * When the bound is ≥ the best error so far the trial cannot win (C's `cur < best` is false): skip it.
 * Any NaN or infinity makes the bound NaN, which never skips.
 */
function errorLowerBound(
  n: number,
  s: number,
  m: number,
  dW: number,
  dX: number,
  dXX: number,
  dL: number,
  dL2: number,
  dXL: number,
): number {
  const sl2 = s * s * dL2;
  const slm = 2 * s * m * dL;
  const mm = m * m * dW;
  const e = sl2 + slm - 2 * s * dXL + mm - 2 * m * dX + dXX;
  const mag = sl2 + Math.abs(slm) + 2 * Math.abs(s * dXL) + mm + 2 * Math.abs(m * dX) + dXX;
  const slack = 128 * U64 * mag;
  const normD = Math.sqrt(Math.max(0, e + slack));
  const normSl = Math.sqrt(sl2);
  const normSlm = Math.sqrt(Math.max(0, sl2 + slm + mm) + slack);
  const lower = Math.sqrt(Math.max(0, e - slack)) - 4 * U32 * (normSl + normSlm + normD);
  if (Number.isNaN(lower)) return lower;
  if (lower <= 0) return 0;
  return lower * lower * (1 - (n + 8) * 2 * U32) - n * 1.1754943508222875e-38;
}

/**
 * The weighted error Σ w·f(scale·L + min − x) of one trial, accumulated in float32 in C's order, where
 * only its comparison with `best` matters unless it wins. The terms are exact float32 values; their float32
 * running sum differs from the exact sum by at most (n−1)·2^−24·Σ|term| (Higham's γ bound), so a double
 * sum with a margin of n·2^−23·Σ|term| decides most comparisons; the float32 sum is replayed exactly when
 * the trial may win (its value becomes the new best) or the margin cannot decide. Returns a value that
 * compares with `best` exactly as the float32 sum does (the float32 sum itself whenever it is < best).
 */
function trialError(
  n: number,
  nmax: number,
  scale: number,
  min: number,
  Laux: Uint8Array,
  xs: Float32Array,
  w: Float32Array,
  useMad: boolean,
  best: number,
): number {
  const t = TERMS;
  // scale·l + min takes only nmax + 1 values: evaluate each once.
  const level = LEVELS;
  for (let l = 0; l <= nmax; l++) level[l] = fround(fround(scale * l) + min);
  let sum = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    let diff = fround(level[Laux[i]!]! - xs[i]!);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    const term = fround(w[i]! * diff);
    t[i] = term;
    sum += term;
    abs += Math.abs(term);
  }
  const margin = n * 1.1920928955078125e-7 * abs; // n·2^−23·Σ|term|
  if (sum - margin >= best) return sum - margin; // the float32 sum is ≥ this ≥ best as well
  let exact = 0;
  for (let i = 0; i < n; i++) exact = fround(exact + t[i]!);
  return exact;
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
