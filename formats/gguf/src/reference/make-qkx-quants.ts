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
import {
  CODE_SUMS,
  prepareBounds as prepareBoundsImport,
  provablyLoses as provablyLosesImport,
  setBest as setBestImport,
  TERM_SUM,
  termsF32 as termsF32Import,
  trialError as trialErrorImport,
  trialTerms as trialTermsImport,
} from './qkx-bounds.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the hot loops below.
const fround = Math.fround;
const nearestIntSlow = nearestIntBits;
const provablyLoses = provablyLosesImport;
const prepareBounds = prepareBoundsImport;
const setBest = setBestImport;
const codeSums = CODE_SUMS;
const termSum = TERM_SUM;
const trialTerms = trialTermsImport;
const termsF32 = termsF32Import;
const trialError = trialErrorImport;

/** 2^−24, the unit roundoff of float32. */
const U32 = 2 ** -24;

/** Scratch for makeQkxQuants (blocks of at most 256): the block, its weights, and x − min. */
const XS = new Float32Array(256);
const W = new Float32Array(256);
const XM = new Float32Array(256);
/**
 * Incremental path scratch (n ≤ 64): LIM[i] = GROW[code i] (its next change point, in units of iscale·xm),
 * XMD = XM as doubles, WIN the elements that may change within the current window of trials, CAND those
 * that may change at the current trial. (Typed arrays and no branch per element: this is the hot loop.)
 */
const LIM = new Float64Array(64);
const XMD = new Float64Array(64);
const WIN = new Int32Array(64);
const CAND = new Int32Array(64);
/** Trials per full gather within an epoch (any value ≥ 1 is exact; 4–5 measured fastest). */
const WINDOW = 4;
/**
 * GROW[l]: the value iscale·xm must reach before code l can grow, from below. nearest_int(fl(iscale·xm)) > l
 * needs fl(iscale·xm) ≥ l + 0.5, i.e. iscale·xm ≥ (l + 0.5)(1 − 2^−24) (the double product of two floats is
 * exact); GROW = (l + 0.5)(1 − 2^−20) keeps a margin. GROW[nmax] = Infinity; elements with xm ≤ 0 never pass.
 */
const GROW = new Float64Array(64);
let growNmax = -1;

/** GROW for codes 0..nmax (nmax < 64), rebuilt only when nmax changes. */
function growTable(nmax: number): Float64Array {
  if (growNmax !== nmax) {
    for (let l = 0; l < nmax; l++) GROW[l] = (l + 0.5) * (1 - 2 ** -20);
    GROW[nmax] = Infinity;
    growNmax = nmax;
  }
  return GROW;
}

/** NUM[is] = fl(fl(rmin + fl(rdelta·is)) + nmax), ggml's trial numerators, for the last parameters seen. */
let NUM = new Float64Array(64);
let numNmax = -1;
let numRmin = 0;
let numRdelta = 0;
let numNstep = -1;

function numerators(nmax: number, rmin: number, rdelta: number, nstep: number): Float64Array {
  if (nmax !== numNmax || rmin !== numRmin || rdelta !== numRdelta || nstep !== numNstep) {
    if (NUM.length < nstep + 1) NUM = new Float64Array(nstep + 1);
    for (let is = 0; is <= nstep; is++) NUM[is] = fround(fround(rmin + fround(rdelta * is)) + nmax);
    numNmax = nmax;
    numRmin = rmin;
    numRdelta = rdelta;
    numNstep = nstep;
  }
  return NUM;
}

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
 *
 * The result is ggml's bit for bit. Exact shortcuts keep the 16–37 trials cheap:
 *  - (finite inputs, n ≤ 64, nmax < 32) codes only grow with iscale while min stays, and GROW brackets each
 *    code's next change from below, so a trial re-rounds just the elements that may change (gathered once
 *    per WINDOW trials) and moves exact-real sums of the codes by the differences;
 *  - (same) the best error is kept as a bracket from a double sum, and the float32 sum is replayed only
 *    when a comparison with a trial's bracket is undecided (ties, near-ties);
 *  - (also squared error, non-negative finite weights) qkx-bounds.ts proves from the code sums that a trial
 *    cannot beat the best error, skipping its float32 fit.
 * Anything else (NaN/inf inputs, other sizes) runs ggml's float32 steps for every trial.
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
  // Local copies (the block, its weights) so the trial loops index from 0 without branches; the range; and
  // Σw, Σw·x, Σw·x² in double for the bounds (prepareBounds' radii allow for their roundings).
  const xs = XS;
  const w = W;
  let min = x[xo]!;
  let max = min;
  // inc: the incremental trial path (codes re-rounded only where they may change, lazy best error) needs
  // finite inputs; bounds: the loss proofs also need squared error and non-negative finite weights.
  let inc = n <= 64 && nmax < 32;
  let bounds = !useMad;
  let dW = 0;
  let dX = 0;
  let dXX = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[xo + i]!;
    const wi = weights ? weights[i]! : fround(xi * xi);
    xs[i] = xi;
    w[i] = wi;
    if (xi < min) min = xi;
    if (xi > max) max = xi;
    if (!(Math.abs(xi) < Infinity)) inc = false;
    if (!(wi >= 0 && wi < Infinity)) bounds = false;
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
  // ggml's numerators fl(fl(rmin + fl(rdelta·is)) + nmax) do not depend on the block (cached). Incremental
  // epochs (below) need every iscale·(x − min) of an epoch inside nearest_int's exact, monotone range
  // (|v| < 2^22): for x ≥ min, v ≤ num·(1 + 2^−23) since x − min ≤ max − min, so num must stay small.
  const num = numerators(nmax, rmin, rdelta, nstep);
  if (!(nstep >= 1 && num[nstep]! < 1048576)) inc = false;
  bounds = bounds && inc;
  // Start: the scale that spreads [min, max] over 0..nmax, and its weighted error. The same pass keeps
  // x − min (float32, refreshed whenever min changes) and accumulates the float32 Σw, Σw·x of the
  // least-squares fit (ggml sums them in its first loop; each keeps its own left-to-right order).
  const xm = XM;
  let iscale = fround(nmax / fround(max - min));
  let scale = fround(1 / iscale);
  let bestError = 0;
  let errSum = 0;
  let errAbs = 0;
  let sumW = w[0]!;
  let sumX = fround(sumW * xs[0]!);
  for (let i = 0; i < n; i++) {
    const xi = xs[i]!;
    const wi = w[i]!;
    if (i > 0) {
      sumW = fround(sumW + wi);
      sumX = fround(sumX + fround(wi * xi));
    }
    const xmi = fround(xi - min);
    xm[i] = xmi;
    const l = nearestInt(fround(iscale * xmi));
    const li = l < 0 ? 0 : l > nmax ? nmax : l;
    L[lo + i] = li;
    let diff = fround(fround(fround(scale * li) + min) - xi);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    const term = fround(wi * diff);
    if (inc) {
      errSum += term;
      errAbs += Math.abs(term);
    } else bestError = fround(bestError + term);
  }
  // The incremental path keeps the float32 best error lazily: a bracket [bestLo, bestHi] around it (see
  // trialTerms), made exact only when a comparison needs it. Best's scale, min and codes
  // (scale, min, L) are always at hand to replay its float32 sum.
  let bestExact = !inc;
  let bestLo = bestError;
  let bestHi = bestError;
  if (inc) {
    bestLo = errSum - 2 * n * U32 * errAbs;
    bestHi = errSum + 2 * n * U32 * errAbs;
  }
  if (nstep < 1) {
    mins[mi] = -min;
    return scale;
  }
  // Try nstep+1 trial scales (rmin + rdelta·is + nmax)/(max − min); for each, fit scale and min by
  // weighted least squares on the codes it gives, and keep the fit with the smallest error. As in ggml,
  // once a fit wins, its min is the one later trials measure from (codes and range both move).
  // The fit depends only on the codes (not on iscale or min), so a trial whose codes equal the previous
  // trial's reproduces that trial's outcome, which cannot beat bestError: skip it.
  const grow = growTable(nmax);
  // ggml's denominator fl(max − min) changes only with min.
  let range = fround(max - min);
  const lim = LIM;
  const cand = CAND;
  const xmd = XMD;
  if (bounds) {
    prepareBounds(n, dW, dX, dXX);
    setBest(n, bestHi);
  }
  let dL = 0;
  let dL2 = 0;
  let dXL = 0;
  let updates = 0;
  let fresh = true; // the incremental path's sums and change points must be rebuilt
  let lastIscale = 0;
  let windowEnd = -1; // the last trial that the list win[0 .. nWin) covers
  let nWin = 0;
  const win = WIN;
  for (let is = 0; is <= nstep; is++) {
    iscale = fround(num[is]! / range);
    let changed = is === 0;
    if (inc && !fresh && iscale > 0 && iscale >= lastIscale && updates <= n) {
      // An epoch: min (so x − min and the range) is fixed and iscale > 0 grows, so each code is
      // non-decreasing (fl and nearest_int are monotone in the checked range; for x < min, v ≤ 0 and the
      // code stays 0). A code l can only grow once iscale·xm ≥ lim = GROW[l]: gather those elements
      // (without a branch per element: most keep their code, at random), re-round them, and move the sums
      // by the code differences.
      if (is > windowEnd) {
        // The candidates of the next WINDOW trials: the window's last iscale (the very value that trial
        // computes, while min stays) is ≥ every iscale before it, and elements left out keep their code
        // and lim until then.
        windowEnd = is + WINDOW - 1 < nstep ? is + WINDOW - 1 : nstep;
        const top = fround(num[windowEnd]! / range);
        nWin = 0;
        for (let i = 0; i < n; i++) {
          win[nWin] = i;
          nWin += +(top * xmd[i]! >= lim[i]!);
        }
      }
      let k = 0;
      for (let c = 0; c < nWin; c++) {
        const i = win[c]!;
        cand[k] = i;
        k += +(iscale * xmd[i]! >= lim[i]!);
      }
      for (let c = 0; c < k; c++) {
        const i = cand[c]!;
        const l0 = nearestInt(fround(iscale * xmd[i]!));
        const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
        const old = Laux[i]!;
        if (l !== old) {
          const wd = w[i]! * (l - old);
          dL += wd;
          dL2 += w[i]! * (l * l - old * old);
          dXL += wd * xs[i]!;
          Laux[i] = l;
          lim[i] = grow[l]!;
          changed = true;
          updates++;
        }
      }
    } else if (inc) {
      // Epoch start: every code in full, with the exact-real sums and each element's lim.
      dL = 0;
      dL2 = 0;
      dXL = 0;
      let xmLo = 0;
      for (let i = 0; i < n; i++) {
        const xmi = xm[i]!;
        const l0 = nearestInt(fround(iscale * xmi));
        const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
        if (Laux[i] !== l) {
          Laux[i] = l;
          changed = true;
        }
        const wl = w[i]! * l; // exact: a 24-bit weight times a code below 2^5
        dL += wl;
        dL2 += wl * l;
        dXL += wl * xs[i]!; // exact: 29 + 24 bits
        lim[i] = grow[l]!;
        xmd[i] = xmi;
        if (xmi < xmLo) xmLo = xmi;
      }
      updates = 0;
      windowEnd = -1;
      // The sums serve this trial either way; the next trials go incremental only if the epoch's largest
      // iscale keeps every v = iscale·xm of x < min above −2^22 (pathological otherwise: a min far above
      // some x, e.g. with zero weights; then every trial re-rounds in full).
      fresh = !(xmLo * fround(num[nstep]! / range) > -4194000);
    } else {
      for (let i = 0; i < n; i++) {
        const l0 = nearestInt(fround(iscale * xm[i]!));
        const l = l0 < 0 ? 0 : l0 > nmax ? nmax : l0;
        if (Laux[i] !== l) {
          Laux[i] = l;
          changed = true;
        }
      }
    }
    lastIscale = iscale;
    if (!changed) continue;
    if (bounds) {
      codeSums[0] = dL;
      codeSums[1] = dL2;
      codeSums[2] = dXL;
      if (provablyLoses(n, nmax, updates)) continue;
    }
    // ggml's float32 fit for these codes.
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Laux[i]!;
      const wl = fround(w[i]! * l);
      sumL = fround(sumL + wl);
      sumL2 = fround(sumL2 + fround(wl * l));
      sumXL = fround(sumXL + fround(wl * xs[i]!));
    }
    const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
    if (D > 0) {
      let thisScale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let thisMin = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fround(sumXL / sumL2);
      }
      let wins = false;
      if (inc) {
        // C's `cur_error < best_error`, decided from the brackets where they do not overlap, else from the
        // float32 sums (best's replayed from its scale, min and codes).
        trialTerms(n, nmax, thisScale, thisMin, Laux, 0, xs, w, useMad);
        const sum = termSum[0]!;
        const margin = termSum[1]!;
        if (sum - margin < bestHi) {
          if (sum + margin < bestLo) {
            wins = true;
            bestLo = sum - margin;
            bestHi = sum + margin;
            bestExact = false;
          } else {
            const curError = termsF32(n);
            if (!bestExact) {
              trialTerms(n, nmax, scale, min, L, lo, xs, w, useMad);
              bestError = termsF32(n);
              bestExact = true;
            }
            if (curError < bestError) {
              wins = true;
              bestError = curError;
            }
            bestLo = bestError;
            bestHi = bestError;
            if (bounds) setBest(n, bestHi);
          }
        }
      } else {
        const curError = trialError(n, nmax, thisScale, thisMin, Laux, xs, w, useMad, bestError);
        if (curError < bestError) {
          wins = true;
          bestError = curError;
        }
      }
      if (wins) {
        for (let i = 0; i < n; i++) L[lo + i] = Laux[i]!;
        if (bounds) setBest(n, bestHi);
        scale = thisScale;
        if (thisMin !== min) {
          min = thisMin;
          range = fround(max - min);
          for (let i = 0; i < n; i++) xm[i] = xs[i]! - min;
          fresh = true;
        }
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
