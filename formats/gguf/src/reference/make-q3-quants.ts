/**
 * ggml's make_q3_quants (ggml-quants.c), the sub-block search of quantize_row_q3_K_ref: symmetric codes in
 * [-nmax, nmax-1] starting from the scale that maps the largest-magnitude value to -nmax. With do_rmse it
 * then runs up to 5 passes of coordinate descent: each code is re-chosen as the best integer for the
 * least-squares scale of the other codes (weights x²), and kept only if the weighted fit improves.
 * Writes codes L[i] = l + nmax (unsigned) and returns the float32 scale.
 */
import { clampInt, fround, GROUP_MAX_EPS, nearestInt } from './float32.ts';

export function makeQ3Quants(
  n: number,
  nmax: number,
  x: Float32Array,
  L: Int8Array,
  doRmse: boolean,
): number {
  // The value of largest magnitude (first one wins ties) fixes the starting scale.
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
  const iscale = fround(-nmax / max);
  if (!doRmse) {
    for (let i = 0; i < n; i++) L[i] = clampInt(nearestInt(fround(iscale * x[i]!)), -nmax, nmax - 1) + nmax;
    return fround(1 / iscale);
  }
  // Initial codes and the weighted sums Σw·x·l and Σw·l² (w = x²), accumulated in float32 in index order.
  let sumlx = 0;
  let suml2 = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    const l = clampInt(nearestInt(fround(iscale * xi)), -nmax, nmax - 1);
    L[i] = l;
    const w = fround(xi * xi);
    sumlx = fround(sumlx + fround(fround(w * xi) * l));
    suml2 = fround(suml2 + fround(fround(w * l) * l));
  }
  // Coordinate descent: accept a changed code when (Σwxl)²/Σwl² grows, compared without dividing.
  for (let itry = 0; itry < 5; itry++) {
    let nChanged = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      const w = fround(xi * xi);
      const li = L[i]!;
      let slx = fround(sumlx - fround(fround(w * xi) * li));
      if (slx > 0) {
        let sl2 = fround(suml2 - fround(fround(w * li) * li));
        const newL = clampInt(nearestInt(fround(fround(xi * sl2) / slx)), -nmax, nmax - 1);
        if (newL !== li) {
          slx = fround(slx + fround(fround(w * xi) * newL));
          sl2 = fround(sl2 + fround(fround(w * newL) * newL));
          if (sl2 > 0 && fround(fround(slx * slx) * suml2) > fround(fround(sumlx * sumlx) * sl2)) {
            L[i] = newL;
            sumlx = slx;
            suml2 = sl2;
            nChanged++;
          }
        }
      }
    }
    if (!nChanged) break;
  }
  for (let i = 0; i < n; i++) L[i] = L[i]! + nmax;
  return suml2 > 0 ? fround(sumlx / suml2) : 0;
}
