/**
 * ggml's make_qx_quants (ggml-quants.c): symmetric scale search for signed codes in [-nmax, nmax-1].
 * Starts from the scale that maps the largest-magnitude value to -nmax, then tries 18 nearby scales
 * (nmax ± 0.1·is) and keeps the one with the best weighted least-squares fit. Returns the float32 scale;
 * writes codes L[i] = l + nmax (unsigned). Weights: qw when given, else chosen by rmse_type.
 */
import { cTrue } from './c-semantics.ts';
import { clampInt, fround, GROUP_MAX_EPS, nearestInt } from './float32.ts';

function weightOf(rmseType: number, xi: number, qw: Float32Array | undefined, i: number): number {
  if (qw) return qw[i]!;
  switch (rmseType) {
    case 1:
      return fround(xi * xi);
    case 2:
      return 1;
    case 3:
      return Math.abs(xi);
    default:
      return fround(Math.sqrt(Math.abs(xi)));
  }
}

export function makeQxQuants(
  n: number,
  nmax: number,
  x: Float32Array,
  L: Int8Array | Uint8Array,
  rmseType: number,
  qw?: Float32Array,
): number {
  let max = 0;
  let amax = 0;
  for (let i = 0; i < n; i++) {
    const ax = Math.abs(x[i]!);
    if (ax > amax) {
      amax = ax;
      max = x[i]!;
    }
  }
  if (amax < GROUP_MAX_EPS) {
    L.fill(0, 0, n);
    return 0;
  }
  let iscale = fround(-nmax / max);
  if (rmseType === 0) {
    for (let i = 0; i < n; i++) {
      const l = nearestInt(fround(iscale * x[i]!));
      L[i] = nmax + clampInt(l, -nmax, nmax - 1);
    }
    return fround(1 / iscale);
  }
  let returnEarly = false;
  if (rmseType < 0) {
    rmseType = -rmseType;
    returnEarly = true;
  }
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const l = clampInt(nearestInt(fround(iscale * xi)), -nmax, nmax - 1);
    L[i] = l + nmax;
    const w = weightOf(rmseType, xi, qw, i);
    sumlx = fround(sumlx + fround(fround(w * xi) * l));
    suml2 = fround(suml2 + fround(fround(w * l) * l));
  }
  let scale = cTrue(suml2) ? fround(sumlx / suml2) : 0;
  if (returnEarly) return suml2 > 0 ? fround(0.5 * fround(scale + fround(1 / iscale))) : fround(1 / iscale);
  let best = fround(scale * sumlx);
  for (let is = -9; is <= 9; is++) {
    if (is === 0) continue;
    iscale = fround(fround(-fround(nmax + fround(fround(0.1) * is))) / max);
    sumlx = 0;
    suml2 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const l = clampInt(nearestInt(fround(iscale * xi)), -nmax, nmax - 1);
      const w = weightOf(rmseType, xi, qw, i);
      sumlx = fround(sumlx + fround(fround(w * xi) * l));
      suml2 = fround(suml2 + fround(fround(w * l) * l));
    }
    if (suml2 > 0 && fround(sumlx * sumlx) > fround(best * suml2)) {
      for (let i = 0; i < n; i++) {
        const l = nearestInt(fround(iscale * x[i]!));
        L[i] = nmax + clampInt(l, -nmax, nmax - 1);
      }
      scale = fround(sumlx / suml2);
      best = fround(scale * sumlx);
    }
  }
  return scale;
}
