/**
 * The trial-scale search the iq2/iq3 quantizers of ggml-quants.c share: a block's weights with their signs
 * set aside (xval ≥ 0), groups of `width` weights rounded to levels l = nearest_int(0.5·(id·x − 1)) clamped
 * to 0..kMaxQ−1, snapped to the grid through the neighbour search when off it, and the least-squares fit
 * Σwxq/Σwq² with q = 2l + 1. Every float operation is float32 (fround), in ggml's order.
 */
import { clampInt, fround, nearestInt } from './float32.ts';
import { ggmlAbort } from './iq-common.ts';
import { findBestNeighbour, type GridSearch } from './iq-neighbours.ts';

/** ggml's stack arrays for one block of n weights in groups of the grid's width. */
export class Scratch {
  readonly weight: Float32Array;
  readonly waux: Float32Array;
  readonly xval: Float32Array;
  readonly L: Int8Array;
  readonly Laux: Int8Array;
  readonly onGrid: Uint8Array;
  readonly onGridAux: Uint8Array;
  constructor(
    readonly n: number,
    readonly s: GridSearch,
    readonly kMaxQ: number,
  ) {
    this.weight = new Float32Array(n);
    this.waux = new Float32Array(n);
    this.xval = new Float32Array(n);
    this.L = new Int8Array(n);
    this.Laux = new Int8Array(n);
    this.onGrid = new Uint8Array(n / s.width);
    this.onGridAux = new Uint8Array(n / s.width);
  }
}

/** ggml's MAX macro: (a > b ? a : b), so a NaN first argument yields b. */
export const MAX = (a: number, b: number): number => (a > b ? a : b);

/** Map key of the levels of group k. */
export function groupKey(s: GridSearch, L: Int8Array, k: number): number {
  let u = 0;
  for (let i = 0; i < s.width; i++) u |= L[s.width * k + i]! << (s.bits * i);
  return u;
}

/** Round group k at inverse scale id into Lout, snapping an off-grid point to its best neighbour at `scale`; true when on the grid. */
export function snapGroup(b: Scratch, k: number, id: number, scale: number, Lout: Int8Array): boolean {
  const w = b.s.width;
  for (let i = 0; i < w; i++) {
    const l = nearestInt(fround(0.5 * fround(fround(id * b.xval[w * k + i]!) - 1)));
    Lout[w * k + i] = clampInt(l, 0, b.kMaxQ - 1);
  }
  const u = groupKey(b.s, Lout, k);
  if (b.s.map[u]! >= 0) return true;
  findBestNeighbour(b.s, u, b.xval, b.waux, w * k, scale, Lout);
  return false;
}

/** Σ w·x·q into out[0] and Σ w·q² into out[1], q = 2L + 1, float32 in index order. */
export function fitSums(b: Scratch, L: Int8Array, out: Float32Array): void {
  let sumqx = 0;
  let sumq2 = 0;
  for (let i = 0; i < b.n; i++) {
    const w = b.weight[i]!;
    const q = 2 * L[i]! + 1;
    sumqx = fround(sumqx + fround(fround(w * b.xval[i]!) * q));
    sumq2 = fround(sumq2 + fround(fround(w * q) * q));
  }
  out[0] = sumqx;
  out[1] = sumq2;
}

export interface TrialScan {
  /** Trial inverse scales id = (2·kMaxQ − 1 + is·step)/max for is in [−isMax, isMax]. */
  readonly isMax: number;
  readonly step: number;
  /** The refit re-snaps only off-grid groups (iq2_s, iq3_xxs) or every group (iq3_s). */
  readonly onlyOffGrid: boolean;
  /** Initial on-grid flags before the scan (true except iq3_s). */
  readonly onGridInit: boolean;
  /** iq2_xxs: re-snap every group and refit whenever the scale is positive, on-grid or not. */
  readonly alwaysRefit?: boolean;
}

const fit = new Float32Array(2);

/**
 * The scan, then the refit at the best scale when some group of the best trial was off the grid. `scale`
 * is the starting scale (kept when no trial has Σwq² > 0). Returns the block scale; b.L holds the levels.
 */
export function scanTrialScales(b: Scratch, max: number, startScale: number, t: TrialScan): number {
  const groups = b.n / b.s.width;
  let best = 0;
  let scale = startScale;
  b.onGrid.fill(t.onGridInit ? 1 : 0);
  const top = 2 * b.kMaxQ - 1;
  for (let is = -t.isMax; is <= t.isMax; is++) {
    const id = fround(fround(top + fround(is * t.step)) / max);
    const thisScale = fround(1 / id);
    for (let k = 0; k < groups; k++) b.onGridAux[k] = snapGroup(b, k, id, thisScale, b.Laux) ? 1 : 0;
    fitSums(b, b.Laux, fit);
    const [sumqx, sumq2] = fit as unknown as [number, number];
    if (sumq2 > 0 && fround(sumqx * sumqx) > fround(best * sumq2)) {
      scale = fround(sumqx / sumq2);
      best = fround(scale * sumqx);
      b.L.set(b.Laux);
      b.onGrid.set(b.onGridAux);
    }
  }
  let offGrid = 0;
  for (let k = 0; k < groups; k++) if (!b.onGrid[k]) offGrid++;
  if ((t.alwaysRefit || offGrid > 0) && scale > 0) {
    const id = fround(1 / scale);
    for (let k = 0; k < groups; k++) {
      if (t.onlyOffGrid && b.onGrid[k]) continue;
      snapGroup(b, k, id, scale, b.L);
    }
    fitSums(b, b.L, fit);
    if (fit[1]! > 0) scale = fround(fit[0]! / fit[1]!);
  }
  return scale;
}

/** Grid index of group k of L; ggml aborts ("found point not on grid") when it is off the grid. */
export function gridIndexOf(b: Scratch, L: Int8Array, k: number, format: string): number {
  const u = groupKey(b.s, L, k);
  const g = b.s.map[u]!;
  if (g < 0) ggmlAbort(format, `found point ${u} not on grid`);
  return g;
}

/** sigma2 = 2·Σx²/256 over the super-block (iq2_s, iq3_xxs, iq3_s; iq2_xxs/iq2_xs use Σx²/256). */
export function superBlockSumX2(x: Float32Array, xo: number): number {
  let sumx2 = 0;
  for (let i = 0; i < 256; i++) sumx2 = fround(sumx2 + fround(x[xo + i]! * x[xo + i]!));
  return sumx2;
}

/** weight = imatrix·sqrt(sigma2 + x²) with an imatrix; waux = sqrt(weight). `noImatrix` gives the other weights. */
export function setWeights(
  b: Scratch,
  x: Float32Array,
  xo: number,
  qw: Float32Array | undefined,
  sigma2: number,
  noImatrix: (xi: number) => number,
): void {
  for (let i = 0; i < b.n; i++) {
    const xi = x[xo + i]!;
    b.weight[i] = qw
      ? fround(qw[xo + i]! * fround(Math.sqrt(fround(sigma2 + fround(xi * xi)))))
      : noImatrix(xi);
  }
  for (let i = 0; i < b.n; i++) b.waux[i] = fround(Math.sqrt(b.weight[i]!));
}
