/**
 * CELT's PVQ shape search, op_pvq_search_c (libopus celt/vq.c, float build), reproduced with float32
 * semantics: every + and * is rounded with Math.fround, in the C order of evaluation, with no fused
 * multiply-add. That is what makes the 24 near-tie golden cases (where float64 picks another pulse) exact.
 *
 * Behaviour kept on purpose, because the golden vectors pin it:
 *  - the projection pre-search runs only when K > N>>1, and replaces x by e0 when !(Σ|x| > 1e-15f &&
 *    Σ|x| < 64) (CELT feeds unit-norm bands, so 64 stands for infinity; raw vectors must be normalised
 *    first or they collapse to K·e0);
 *  - the greedy step keeps the first maximum (strict >), so ties go to the lowest index;
 *  - the sign is reapplied with `x < 0`, so −0 counts as positive;
 *  - the "pulsesLeft > N+3" safety fill updates yy from the stale y[0], as the C does.
 * The SSE2 override (op_pvq_search_sse2) uses approximate rcp/rsqrt and is not the reference.
 */
import { QbenchError } from '@qbench/core';

const f = Math.fround;
const EPSILON = f(1e-15);
const POINT_EIGHT = f(0.8);

export interface SearchResult {
  /** Signed pulses, Σ|iy| = K. */
  iy: Int32Array;
  /** The float32 value op_pvq_search returns: Σ iy² as accumulated in float. */
  yy: number;
}

/**
 * Search the K-pulse codeword closest in angle to x. `x` is not modified (the C works on a copy the
 * caller no longer needs; here the caller keeps its data).
 */
export function pvqSearch(x: ArrayLike<number>, k: number, out?: Int32Array): SearchResult {
  const n = x.length;
  if (n < 1) throw new QbenchError('pvq.length', 'pvq search needs at least one coordinate, got N=0');
  if (!Number.isInteger(k) || k < 1) {
    throw new QbenchError('pvq.range', `pvq search needs an integer pulse count K ≥ 1, got ${k}`, { K: k });
  }
  const iy = out ?? new Int32Array(n);
  if (iy.length !== n)
    throw new QbenchError('pvq.length', `output has ${iy.length} coordinates, expected N=${n}`);
  const ax = new Float32Array(n);
  const y = new Float32Array(n);
  const signx = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const v = f(x[j]!);
    signx[j] = v < 0 ? 1 : 0;
    ax[j] = Math.abs(v);
    iy[j] = 0;
  }
  let xy = 0;
  let yy = 0;
  let pulsesLeft = k;

  if (k > n >> 1) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum = f(sum + ax[j]!);
    if (!(sum > EPSILON && sum < 64)) {
      ax.fill(0);
      ax[0] = 1;
      sum = 1;
    }
    const rcp = f(f(k + POINT_EIGHT) * f(1 / sum));
    for (let j = 0; j < n; j++) {
      const q = Math.floor(f(rcp * ax[j]!));
      iy[j] = q;
      y[j] = q;
      yy = f(yy + f(q * q));
      xy = f(xy + f(ax[j]! * q));
      y[j] = f(y[j]! * 2);
      pulsesLeft -= q;
    }
  }

  if (pulsesLeft > n + 3) {
    // Never reached from a unit-norm input; kept because the C has it (silence, NaN-free garbage).
    const t = pulsesLeft;
    yy = f(yy + f(t * t));
    yy = f(yy + f(t * y[0]!));
    iy[0] = iy[0]! + pulsesLeft;
    pulsesLeft = 0;
  }

  for (let i = 0; i < pulsesLeft; i++) {
    yy = f(yy + 1);
    let bestId = 0;
    let rxy = f(xy + ax[0]!);
    let bestDen = f(yy + y[0]!);
    let bestNum = f(rxy * rxy);
    for (let j = 1; j < n; j++) {
      rxy = f(xy + ax[j]!);
      const ryy = f(yy + y[j]!);
      const num = f(rxy * rxy);
      // num/ryy > bestNum/bestDen without a division; strict, so the lowest index wins ties.
      if (f(bestDen * num) > f(ryy * bestNum)) {
        bestDen = ryy;
        bestNum = num;
        bestId = j;
      }
    }
    xy = f(xy + ax[bestId]!);
    yy = f(yy + y[bestId]!);
    y[bestId] = f(y[bestId]! + 2);
    iy[bestId] = iy[bestId]! + 1;
  }

  for (let j = 0; j < n; j++) if (signx[j] === 1) iy[j] = -iy[j]!;
  return { iy, yy };
}
