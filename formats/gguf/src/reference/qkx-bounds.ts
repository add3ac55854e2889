/**
 * Exact shortcuts for the trial loop of make_qkx2/3_quants (make-qkx-quants.ts). A trial only matters if its
 * float32 error beats the best so far (C's `cur < best`), and most trials lose by a wide margin. These
 * functions prove a loss with rigorous error bounds, so the float32 work is skipped only where its outcome
 * is certain; whenever a bound cannot decide (or sees NaN/inf) the caller replays ggml's float32 arithmetic.
 * All bounds need non-negative finite weights and squared error (use_mad = false).
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
 * True when no (scale, min) ggml can compute for these codes beats `best`, judged from the codes' weighted
 * sums alone (before any float32 work). Sums are exact-real values known to within the given radii:
 * W = Σw, X = Σw·x, XX = Σw·x² (±eW, ±eX, ±eXX) and A1 = Σw·l, A2 = Σw·l², XL = Σw·l·x (±eA).
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
export function provablyLoses(
  n: number,
  best: number,
  W: number,
  eW: number,
  X: number,
  eX: number,
  XX: number,
  eXX: number,
  A1: number,
  A2: number,
  XL: number,
  eA1: number,
  eA2: number,
  eXL: number,
): boolean {
  const wLo = W - eW;
  const wHi = W + eW;
  const a1Hi = A1 + eA1;
  const a2Lo = A2 - eA2;
  const a2Hi = A2 + eA2;
  const xAbsHi = Math.abs(X) + eX;
  const xxHi = XX + eXX;
  if (!(wLo > 0 && a2Lo > 0)) return false;
  // D = W·A2 − A1² (A1 ≥ 0 for w, l ≥ 0).
  const dLo = wLo * a2Lo - a1Hi * a1Hi - 4 * U64 * (wHi * a2Hi + a1Hi * a1Hi);
  if (!(dLo > 0)) return false;
  const sllLo = (dLo / wHi) * (1 - 4 * U64);
  // Sxl = XL − A1·X/W: the centre value plus the spread of each operand over its radius.
  const cross = (A1 * X) / W;
  const sxlHi =
    Math.abs(XL - cross) +
    eXL +
    (eA1 * xAbsHi + a1Hi * eX) / wLo +
    (a1Hi * xAbsHi * eW) / (wLo * W) +
    8 * U64 * (Math.abs(XL) + Math.abs(cross));
  // Sxx = XX − X²/W.
  const xsq = (X * X) / W;
  const sxxLo =
    XX - eXX - xsq - (2 * xAbsHi * eX) / wLo - (xAbsHi * xAbsHi * eW) / (wLo * W) - 8 * U64 * (XX + xsq);
  const eMinLo = sxxLo - ((sxlHi * sxlHi) / sllLo) * (1 + 8 * U64);
  if (!(eMinLo > 0)) return false;
  const kappa = Math.sqrt((wHi * a2Hi) / dLo) * (1 + 8 * U64);
  const c = 2 * U32 * (kappa + 2);
  if (!(c < 0.5)) return false;
  const xNorm = Math.sqrt(xxHi) * (1 + 8 * U64);
  const needed = (residualRadius(n, best) + 2 * U32 * (kappa + 1) * xNorm + TINY * Math.sqrt(wHi)) / (1 - c);
  return Math.sqrt(eMinLo) * (1 - 8 * U64) >= needed;
}

const TERMS = new Float32Array(256);
const LEVELS = new Float32Array(256);

/**
 * ggml's float32 error Σ w·f(scale·L + min − x) of one trial (f = |·| or ²), accumulated in float32 in C's
 * order — where only its comparison with `best` matters unless it wins. The terms are exact float32 values;
 * their float32 running sum differs from the exact sum by at most (n−1)·u·Σ|term| (Higham's γ bound), so a
 * double sum with a margin of 2n·u·Σ|term| decides most comparisons, and the float32 sum is replayed when
 * the trial may win or the margin cannot decide. Returns a value that compares with `best` exactly as the
 * float32 sum does (the float32 sum itself whenever it is < best). `screen = false` skips the double pass
 * (for trials that already passed provablyLoses, which nearly always win).
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
  screen: boolean,
): number {
  const t = TERMS;
  // scale·l + min takes only nmax + 1 values: evaluate each once.
  const level = LEVELS;
  for (let l = 0; l <= nmax; l++) level[l] = fround(fround(scale * l) + min);
  if (!screen) {
    // The caller expects a likely winner: accumulate in float32 straight away.
    let exact = 0;
    for (let i = 0; i < n; i++) {
      let diff = fround(level[Laux[i]!]! - xs[i]!);
      diff = useMad ? Math.abs(diff) : fround(diff * diff);
      exact = fround(exact + fround(w[i]! * diff));
    }
    return exact;
  }
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
  const margin = 2 * n * U32 * abs;
  if (sum - margin >= best) return sum - margin; // the float32 sum is ≥ this ≥ best as well
  let exact = 0;
  for (let i = 0; i < n; i++) exact = fround(exact + t[i]!);
  return exact;
}
