/**
 * Exact shortcuts for the trial loop of make_qkx2/3_quants (make-qkx-quants.ts). A trial only matters if its
 * float32 error beats the best so far (C's `cur < best`), and most trials lose by a wide margin. These
 * functions prove a loss with rigorous error bounds, so the float32 work is skipped only where its outcome
 * is certain; whenever a bound cannot decide (or sees NaN/inf) the caller replays ggml's float32 arithmetic.
 * The loss proof (provablyLoses) needs non-negative finite weights and squared error (use_mad = false);
 * trialTerms' bracket of a float32 error sum holds for any terms (NaN/inf make every comparison undecided).
 *
 * Notation: ‖v‖ = sqrt(Σ w·v²); u = 2^−24 (float32 unit roundoff), u64 = 2^−53.
 */
const fround = Math.fround;

const U32 = 2 ** -24;
const U64 = 2 ** -53;
/** Smallest normal float32: the absolute error allowance for float32 underflow per term. */
const FLT_MIN = 2 ** -126;
/** 2^−147: absolute allowance per residual for its three roundings should any of them underflow. */
const TINY = 2 ** -147;

/**
 * The largest R with: if ggml's float32 error E32 of a trial is < best, then ‖d32‖ < R, where d32 are its
 * float32 residuals. E32 sums fl(w·fl(d32²)) in float32: each term loses at most a factor (1−u)², the sum of
 * n non-negative terms a factor (1 − (n−1)·u), and underflow at most FLT_MIN per term.
 */
function residualRadius(n: number, best: number): number {
  return Math.sqrt((best + n * FLT_MIN) / (1 - (n + 8) * 2 * U32));
}

/**
 * provablyLoses' inputs live in typed arrays so that its calls box no doubles (a call V8 does not inline
 * allocates a heap number per double argument): BLOCK holds the block's sums and every quantity that
 * depends on them alone (hoisted out of the per-trial test unchanged), CODE_SUMS the trial's A1, A2, XL.
 */
const BLOCK = new Float64Array(16);
export const CODE_SUMS = new Float64Array(3);
const B_W = 0;
const B_EW = 1;
const B_X = 2;
const B_EX = 3;
const B_WLO = 4;
const B_WHI = 5;
const B_XABSHI = 6;
const B_SXXLO = 7;
const B_XNORM = 8;
const B_TINY = 9;
const B_SQRT_WXX = 10;
const B_RADIUS = 11;
const B_INV_WHI_LO = 12;
const B_X_OVER_W = 13;
const B_INV_WLO_HI = 14;
const B_EW_OVER_WLO_W = 15;

/**
 * Set the block for provablyLoses: W = Σw, X = Σw·x, XX = Σw·x², each summed in double in element order
 * from exact terms (w·x and w·x·x of float32 values), over n elements with non-negative weights.
 */
export function prepareBounds(n: number, W: number, X: number, XX: number): void {
  const b = BLOCK;
  // Their radii: n rounded additions (and one or two rounded products) of terms bounded by the magnitudes.
  const eW = (n + 2) * U64 * W;
  const eX = (n + 2) * U64 * Math.sqrt(W * XX);
  const eXX = (n + 3) * U64 * XX;
  const wLo = W - eW;
  const xAbsHi = Math.abs(X) + eX;
  const xsq = (X * X) / W;
  b[B_W] = W;
  b[B_EW] = eW;
  b[B_X] = X;
  b[B_EX] = eX;
  b[B_WLO] = wLo;
  b[B_WHI] = W + eW;
  b[B_XABSHI] = xAbsHi;
  b[B_SXXLO] =
    XX - eXX - xsq - (2 * xAbsHi * eX) / wLo - (xAbsHi * xAbsHi * eW) / (wLo * W) - 8 * U64 * (XX + xsq);
  b[B_XNORM] = Math.sqrt(XX + eXX) * (1 + 8 * U64);
  b[B_TINY] = TINY * Math.sqrt(W + eW);
  b[B_SQRT_WXX] = Math.sqrt(W * XX);
  // Reciprocals for the per-trial test, each rounded once and pushed to the safe side by 4·u64 where it
  // bounds (1/wHi from below, 1/wLo and eW/(wLo·W) from above); X/W is a centre value (see provablyLoses).
  b[B_INV_WHI_LO] = (1 / (W + eW)) * (1 - 4 * U64);
  b[B_X_OVER_W] = X * (1 / W);
  b[B_INV_WLO_HI] = (1 / wLo) * (1 + 4 * U64);
  b[B_EW_OVER_WLO_W] = (eW / (wLo * W)) * (1 + 4 * U64);
}

/**
 * Set the error to beat, or any upper bound of it (the caller may only know a bracket): R grows with best,
 * so E32 < best ≤ bound still gives ‖d32‖ < R(bound). Its residual radius, for provablyLoses.
 */
export function setBest(n: number, best: number): void {
  BLOCK[B_RADIUS] = residualRadius(n, best);
}

/**
 * True when no (scale, min) ggml can compute for these codes beats `best`, judged from the codes' weighted
 * sums alone (before any float32 work). Sums are exact-real values known to within the given radii:
 * W = Σw, X = Σw·x, XX = Σw·x² (±eW, ±eX, ±eXX; prepareBounds) and A1 = Σw·l, A2 = Σw·l², XL = Σw·l·x
 * (CODE_SUMS, ±eA).
 *
 * Proof sketch. Let s, m be ggml's float32 fit and d = s·l + m − x (exact), d32 its float32 residuals.
 *  - Per element |d32 − d| ≤ 2u·(|s·l| + |s·l + m| + |d|) (three roundings), so by Minkowski
 *    ‖d‖ ≤ ‖d32‖ + 2u·(‖s·l‖ + ‖s·l + m‖ + ‖d‖).
 *  - Splitting l about its weighted mean, ‖s·l + m‖² ≥ s²·D/W with D = W·A2 − A1², so
 *    ‖s·l‖ = |s|·√A2 ≤ κ·‖s·l + m‖ with κ = √(W·A2/D); and ‖s·l + m‖ ≤ ‖x‖ + ‖d‖.
 *  - Hence ‖d‖·(1 − 2u(κ+2)) ≤ ‖d32‖ + 2u(κ+1)·‖x‖. If E32 < best then ‖d32‖ < R (residualRadius).
 *  - ‖d‖² ≥ Emin, the least-squares minimum over all real (s, m) for these codes:
 *    Emin = Sxx − Sxl²/Sll with Sxx = XX − X²/W, Sxl = XL − A1·X/W, Sll = D/W.
 * So √Emin ≥ (R + 2u(κ+1)‖x‖)/(1 − 2u(κ+2)) contradicts a win. Every quantity is bounded by interval
 * arithmetic over the radii, with 4·u64 per double operation on top, and 2^−147·√W covers residual
 * roundings that underflow.
 */
export function provablyLoses(n: number, nmax: number, updates: number): boolean {
  const b = BLOCK;
  const A1 = CODE_SUMS[0]!;
  const A2 = CODE_SUMS[1]!;
  const XL = CODE_SUMS[2]!;
  // Each code sum is within (n + updates + 4)·u64 of its magnitude bound: n + updates rounded additions of
  // exact terms, every partial sum a sum over valid codes 0..nmax.
  const r = (n + updates + 4) * U64 * nmax;
  const eA1 = r * b[B_W]!;
  const eA2 = r * nmax * b[B_W]!;
  const eXL = r * b[B_SQRT_WXX]!;
  const wLo = b[B_WLO]!;
  const wHi = b[B_WHI]!;
  const xAbsHi = b[B_XABSHI]!;
  const a1Hi = A1 + eA1;
  const a2Lo = A2 - eA2;
  const a2Hi = A2 + eA2;
  if (!(wLo > 0 && a2Lo > 0)) return false;
  // D = W·A2 − A1² (A1 ≥ 0 for w, l ≥ 0).
  const dLo = wLo * a2Lo - a1Hi * a1Hi - 4 * U64 * (wHi * a2Hi + a1Hi * a1Hi);
  if (!(dLo > 0)) return false;
  // Sll = D/W ≥ dLo/wHi: B_INV_WHI_LO ≤ 1/wHi, and (1 − 4u64) covers the two roundings here.
  const sllLo = dLo * b[B_INV_WHI_LO]! * (1 - 4 * U64);
  // Sxl = XL − A1·X/W: the centre value plus the spread of each operand over its radius. The centre's
  // cross term rounds three times (1/W, two products) and the difference once: within 4·u64·(|XL| + |cross|).
  const cross = A1 * b[B_X_OVER_W]!;
  const sxlHi =
    Math.abs(XL - cross) +
    eXL +
    (eA1 * xAbsHi + a1Hi * b[B_EX]!) * b[B_INV_WLO_HI]! +
    a1Hi * xAbsHi * b[B_EW_OVER_WLO_W]! +
    8 * U64 * (Math.abs(XL) + Math.abs(cross));
  // Emin = Sxx − Sxl²/Sll (Sxx = XX − X²/W from below, a block invariant).
  const eMinLo = b[B_SXXLO]! - ((sxlHi * sxlHi) / sllLo) * (1 + 8 * U64);
  if (!(eMinLo > 0)) return false;
  // κ = √(W·A2/D) ≤ √q for q = wHi·a2Hi/dLo, and √q ≤ (q + 1)/2 (AM–GM): a larger κ only weakens the
  // test. q is computed within 2·u64, which (1 + 8·u64) covers along with the sum's rounding.
  const q = (wHi * a2Hi) / dLo;
  const kappa = (q + 1) * 0.5 * (1 + 8 * U64);
  const c = 2 * U32 * (kappa + 2);
  if (!(c < 0.5)) return false;
  // 1/(1 − c) ≤ 1 + 2c for c ≤ 1/2; (1 + 8·u64) covers the roundings.
  const needed =
    (b[B_RADIUS]! + 2 * U32 * (kappa + 1) * b[B_XNORM]! + b[B_TINY]!) * (1 + 2 * c) * (1 + 8 * U64);
  // √Emin·(1 − 8·u64) ≥ needed, squared: both sides are non-negative, and (1 − 24·u64) covers the rounding
  // of the two products on top of (1 − 8·u64)² > 1 − 16·u64.
  return eMinLo * (1 - 24 * U64) >= needed * needed;
}

const TERMS = new Float32Array(256);
const LEVELS = new Float32Array(256);

/**
 * [Σ, margin] of the last trialTerms call: the float32 running sum of its terms lies within Σ ± margin.
 * (A typed array: callers read doubles without boxing.)
 */
export const TERM_SUM = new Float64Array(2);

/**
 * One trial's terms of ggml's float32 error, fl(w·f(fl(fl(fl(scale·l) + min) − x))) with f = |·| or fl(·²)
 * for codes[off + i], into TERMS, and their double sum with a margin into TERM_SUM. The terms are exact
 * float32 values; their float32 running sum differs from the exact sum by at most (n−1)·u·Σ|term|
 * (Higham's γ bound; float32 additions that underflow are exact), and the double sum from the exact one
 * by n·u64·Σ|term|, so margin = 2n·u·Σ|term| brackets the float32 sum.
 */
export function trialTerms(
  n: number,
  nmax: number,
  scale: number,
  min: number,
  codes: Uint8Array,
  off: number,
  xs: Float32Array,
  w: Float32Array,
  useMad: boolean,
): void {
  const t = TERMS;
  const level = LEVELS;
  for (let l = 0; l <= nmax; l++) level[l] = fround(fround(scale * l) + min);
  let sum = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    let diff = fround(level[codes[off + i]!]! - xs[i]!);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    const term = fround(w[i]! * diff);
    t[i] = term;
    sum += term;
    abs += Math.abs(term);
  }
  TERM_SUM[0] = sum;
  TERM_SUM[1] = 2 * n * U32 * abs;
}

/** ggml's float32 running sum (C's order) of the n terms of the last trialTerms call. */
export function termsF32(n: number): number {
  const t = TERMS;
  let exact = 0;
  for (let i = 0; i < n; i++) exact = fround(exact + t[i]!);
  return exact;
}

/**
 * ggml's float32 error Σ w·f(scale·L + min − x) of one trial (f = |·| or ²), accumulated in float32 in C's
 * order — where only its comparison with `best` matters unless it wins. A double sum with trialTerms'
 * margin decides most comparisons; the float32 sum is replayed when the trial may win. Returns a value
 * that compares with `best` exactly as the float32 sum does (the float32 sum itself whenever it is < best).
 */
export function trialError(
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
  trialTerms(n, nmax, scale, min, Laux, 0, xs, w, useMad);
  const low = TERM_SUM[0]! - TERM_SUM[1]!;
  if (low >= best) return low; // the float32 sum is ≥ this ≥ best as well
  return termsF32(n);
}
