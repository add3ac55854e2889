/**
 * Placement of injected outliers over rows of weights (outlier.ts explains the attack): one outlier per
 * (row, scale group), on the group's input column of least importance, set to sign(w) · factor · the group's
 * largest other magnitude. Shared by the MLP attack (outlier.ts) and the llama attack (../attack-llama/).
 */
import type { Format } from '@qbench/core';

/** Scale group an outlier is placed in: the format's smallest scale group, at most 32 elements. */
export function outlierGroup(format: Format): number {
  return Math.min(format.blockElements, 32);
}

/**
 * Where in its group the outlier goes: the column of least importance (cheapest for the full-precision model),
 * or of most importance (for quantizers that fit the group scale by importance-weighted least squares, where an
 * outlier on an unimportant column is outweighed by the rest and does not set the scale).
 */
export type OutlierPlacement = 'least-important' | 'most-important';

/** Column of least (or most) importance in each group of `g` columns of a row of `n` (ties: the first). */
export function outlierColumns(
  n: number,
  g: number,
  importance: ArrayLike<number>,
  placement: OutlierPlacement = 'least-important',
): number[] {
  const sign = placement === 'least-important' ? 1 : -1;
  const cols: number[] = [];
  for (let c0 = 0; c0 < n; c0 += g) {
    let best = c0;
    for (let c = c0; c < Math.min(n, c0 + g); c++)
      if (sign * importance[c]! < sign * importance[best]!) best = c;
    cols.push(best);
  }
  return cols;
}

/** Flat indices of the outliers of `rows` rows of `n` weights stored row after row. */
export function rowOutlierPositions(rows: number, n: number, cols: readonly number[]): Int32Array {
  const pos = new Int32Array(rows * cols.length);
  let k = 0;
  for (let r = 0; r < rows; r++) for (const c of cols) pos[k++] = r * n + c;
  return pos;
}

/** Sets each outlier of `w` to sign(w) · factor · (largest other |w| of its group of `g`); returns the values. */
export function inflateOutliers(w: Float32Array, pos: Int32Array, g: number, factor: number): Float32Array {
  const v = new Float32Array(pos.length);
  for (let k = 0; k < pos.length; k++) {
    const i = pos[k]!;
    const start = i - (i % g);
    let amax = 0;
    for (let j = start; j < start + g; j++) if (j !== i) amax = Math.max(amax, Math.abs(w[j]!));
    v[k] = Math.fround((w[i]! < 0 ? -1 : 1) * factor * amax);
    w[i] = v[k]!;
  }
  return v;
}
