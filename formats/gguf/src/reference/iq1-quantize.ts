/**
 * quantize_row_iq1_s_impl and quantize_row_iq1_m_impl of ggml-quants.c. Ternary grid (iq1s_grid) with a
 * ±1/8 shift: per block (32 weights for iq1_s, 16 for iq1_m) the weights are sorted, every split into
 * three levels {−1, 0, 1} + shift is scored exactly from prefix sums, the best split's levels are snapped
 * to the grid per group of 8 (iq1_find_best_neighbour2 over the three nearest shells), and the scale is
 * refit when a group moved. iq1_s: d = max_scale/15 (stored ×1.125), 3-bit scale and shift sign per 32.
 * iq1_m: shift per group of 8, 3-bit scales per 16, d refit over the whole super-block (stored ×1.1125)
 * and spread over the scale words' top nibbles. Every float operation is float32 (fround), in ggml's order.
 */
import { fp32ToFp16Bits } from '@qbench/core';
import { clampInt, fround, nearestInt, writeF16 } from './float32.ts';
import { ggmlAbort, QK_K } from './iq-common.ts';
import { IQ1_DELTA } from './iq-grids.ts';
import { type GridSearch, gridSearch } from './iq-neighbours.ts';
import { MAX, superBlockSumX2 } from './iq-search.ts';

const FLT_MAX = 3.4028234663852886e38;
const GROUP_MAX_EPS_IQ1_S = fround(1e-12);
const GROUP_MAX_EPS_IQ1_M = fround(1e-7);
/** x_p, x_m: the three levels shifted by +delta and −delta. */
const X_P = Float32Array.of(-1 + IQ1_DELTA, IQ1_DELTA, 1 + IQ1_DELTA);
const X_M = Float32Array.of(-1 - IQ1_DELTA, -IQ1_DELTA, 1 - IQ1_DELTA);

/**
 * Element order by value, as ggml's qsort with iq1_sort_helper leaves it. Equal values keep index order:
 * glibc's qsort is a stable merge sort for arrays this small, and the golden cases with ties (constant
 * rows) pin it.
 */
function sortedOrder(x: Float32Array, xo: number, n: number): number[] {
  return Array.from({ length: n }, (_, j) => j).sort((a, b) => {
    const l = x[xo + a]!;
    const r = x[xo + b]!;
    return l < r ? -1 : l > r ? 1 : 0;
  });
}

/** iq1_find_best_neighbour2: the candidate with the smallest Σ w·(scale·xg[l] − x)² (strict <). */
function findBestNeighbour2(
  s: GridSearch,
  u: number,
  x: Float32Array,
  xo: number,
  weight: Float32Array,
  wo: number,
  scale: number,
  xg: Float32Array,
): number {
  const start = -s.map[u]! - 1;
  const n = s.neighbours[start]!;
  let best = FLT_MAX;
  let gridIndex = -1;
  for (let j = 1; j <= n; j++) {
    const g = s.neighbours[start + j]!;
    let d2 = 0;
    for (let i = 0; i < 8; i++) {
      const q = xg[(s.grid[8 * g + i]! - 1) >> 1]!;
      const diff = fround(fround(scale * q) - x[xo + i]!);
      d2 = fround(d2 + fround(fround(weight[wo + i]! * diff) * diff));
    }
    if (d2 < best) {
      best = d2;
      gridIndex = g;
    }
  }
  // ggml then scans the whole grid, reading x out of bounds (x[i] for grid index i): undefined behaviour
  if (gridIndex < 0)
    ggmlAbort('iq1', 'no neighbour nearer than FLT_MAX (ggml falls back to an out-of-bounds scan)');
  return gridIndex;
}

/** Grid index of each group of 8 of levels L (snapped with the group's shift table), and whether all were on the grid. */
function snapGroups(
  s: GridSearch,
  L: Int8Array,
  x: Float32Array,
  xo: number,
  weight: Float32Array,
  scale: number,
  shiftOf: (k: number) => Float32Array,
  index: Uint16Array,
): boolean {
  let allOnGrid = true;
  for (let k = 0; k < L.length / 8; k++) {
    let u = 0;
    for (let j = 0; j < 8; j++) u |= L[8 * k + j]! << (2 * j);
    let g = s.map[u]!;
    if (g < 0) {
      allOnGrid = false;
      g = findBestNeighbour2(s, u, x, xo + 8 * k, weight, 8 * k, scale, shiftOf(k));
    }
    index[k] = g;
  }
  return allOnGrid;
}

/** The least-squares scale of the snapped groups: Σ w·q·x / Σ w·q², q = shift table at the grid level. */
function refit(
  s: GridSearch,
  index: Uint16Array,
  x: Float32Array,
  xo: number,
  weight: Float32Array,
  shiftOf: (k: number) => Float32Array,
): [number, number] {
  let sumqx = 0;
  let sumq2 = 0;
  for (let k = 0; k < index.length; k++) {
    const xx = shiftOf(k);
    for (let j = 0; j < 8; j++) {
      const w = weight[8 * k + j]!;
      const q = xx[(s.grid[8 * index[k]! + j]! - 1) >> 1]!;
      sumqx = fround(sumqx + fround(fround(w * q) * x[xo + 8 * k + j]!));
      sumq2 = fround(sumq2 + fround(fround(w * q) * q));
    }
  }
  return [sumqx, sumq2];
}

function blockWeights(
  weight: Float32Array,
  x: Float32Array,
  xo: number,
  qw: Float32Array | undefined,
  sigma2: number,
): void {
  for (let i = 0; i < weight.length; i++) {
    const xi = x[xo + i]!;
    weight[i] = qw
      ? fround(qw[xo + i]! * fround(Math.sqrt(fround(sigma2 + fround(xi * xi)))))
      : fround(xi * xi);
  }
}

function absMax(x: Float32Array, xo: number, n: number): number {
  let max = Math.abs(x[xo]!);
  for (let i = 1; i < n; i++) max = MAX(max, Math.abs(x[xo + i]!));
  return max;
}

/** Levels from the best split of the sorted order: below i1 → 0, below i2 → 1, the rest → 2. */
function splitLevels(L: Int8Array, order: number[], i1: number, i2: number): void {
  for (let j = 0; j < order.length; j++) L[order[j]!] = j < i1 ? 0 : j < i2 ? 1 : 2;
}

/** quantize_iq1_s for one row (imatrix required): 50-byte blocks (d, qs[32], qh[8]). */
export function quantizeRowIq1S(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  if (!imatrix) ggmlAbort('iq1_s', 'GGML_ASSERT(quant_weights && "missing quantization weights")');
  const s = gridSearch.iq1s();
  const bs = 32;
  const weight = new Float32Array(bs);
  const sumx = new Float32Array(bs + 1);
  const sumw = new Float32Array(bs + 1);
  const L = new Int8Array(bs);
  const index = new Uint16Array(bs / 8);
  const scales = new Float32Array(8);
  const shifts = new Int8Array(8);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 50 * ibl;
    q.fill(0, qo, qo + 50);
    let maxScale = 0;
    const sigma2 = fround(fround(2 * superBlockSumX2(x, QK_K * ibl)) / QK_K);
    for (let ib = 0; ib < 8; ib++) {
      const xo = QK_K * ibl + bs * ib;
      blockWeights(weight, x, xo, imatrix, sigma2);
      const max = absMax(x, xo, bs);
      if (max < GROUP_MAX_EPS_IQ1_S) {
        scales[ib] = 0;
        shifts[ib] = 1;
        continue;
      }
      const order = sortedOrder(x, xo, bs);
      for (let j = 0; j < bs; j++) {
        const i = order[j]!;
        sumx[j + 1] = fround(sumx[j]! + fround(weight[i]! * x[xo + i]!));
        sumw[j + 1] = fround(sumw[j]! + weight[i]!);
      }
      let bestScore = -FLT_MAX;
      let scale = max;
      let besti1 = -1;
      let besti2 = -1;
      let bestShift = 0;
      for (let i1 = 0; i1 <= bs; i1++) {
        for (let i2 = i1; i2 <= bs; i2++) {
          for (const [xs, shift] of [
            [X_P, 1],
            [X_M, -1],
          ] as const) {
            const sumqx = fround(
              fround(
                fround(fround(sumx[i1]! - sumx[0]!) * xs[0]!) +
                  fround(fround(sumx[i2]! - sumx[i1]!) * xs[1]!),
              ) + fround(fround(sumx[bs]! - sumx[i2]!) * xs[2]!),
            );
            const sumq2 = fround(
              fround(
                fround(fround(fround(sumw[i1]! - sumw[0]!) * xs[0]!) * xs[0]!) +
                  fround(fround(fround(sumw[i2]! - sumw[i1]!) * xs[1]!) * xs[1]!),
              ) + fround(fround(fround(sumw[bs]! - sumw[i2]!) * xs[2]!) * xs[2]!),
            );
            if (sumq2 > 0 && fround(sumqx * sumqx) > fround(bestScore * sumq2)) {
              scale = fround(sumqx / sumq2);
              bestScore = fround(scale * sumqx);
              besti1 = i1;
              besti2 = i2;
              bestShift = shift;
            }
          }
        }
      }
      if (besti1 < 0 || besti2 < 0 || bestShift === 0) {
        scales[ib] = 0;
        shifts[ib] = 1;
        continue;
      }
      splitLevels(L, order, besti1, besti2);
      if (scale < 0) {
        for (let j = 0; j < bs; j++) L[j] = 2 - L[j]!;
        scale = -scale;
        bestShift = -bestShift;
      }
      const xx = bestShift === 1 ? X_P : X_M;
      if (!snapGroups(s, L, x, xo, weight, scale, () => xx, index)) {
        const [sumqx, sumq2] = refit(s, index, x, xo, weight, () => xx);
        if (sumqx > 0 && sumq2 > 0) scale = fround(sumqx / sumq2);
      }
      let h = 0;
      for (let k = 0; k < 4; k++) {
        q[qo + 2 + 4 * ib + k] = index[k]! & 255;
        h |= (index[k]! >> 8) << (3 * k);
      }
      q[qo + 34 + 2 * ib] = h & 0xff;
      q[qo + 35 + 2 * ib] = h >> 8;
      if (!(scale >= 0)) ggmlAbort('iq1_s', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      shifts[ib] = bestShift;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) continue;
    const d = fround(maxScale / 15);
    writeF16(q, qo, fround(d * fround(1.125))); // ggml: "another fudge factor"
    const id = fround(1 / d);
    for (let ib = 0; ib < 8; ib++) {
      let l = clampInt(nearestInt(fround(0.5 * fround(fround(id * scales[ib]!) - 1))), 0, 7);
      if (shifts[ib] === -1) l |= 8;
      q[qo + 35 + 2 * ib] = q[qo + 35 + 2 * ib]! | (l << 4);
    }
  }
}

/** qh mask per iq1_m shift combination k (0: +,+; 1: +,−; 2: −,+; 3: −,−). */
const MASKS = [0x00, 0x80, 0x08, 0x88];

/** quantize_iq1_m for one row (imatrix optional): 56-byte blocks (qs[32], qh[16], scales[8]). */
export function quantizeRowIq1M(x: Float32Array, q: Uint8Array, imatrix?: Float32Array): void {
  const s = gridSearch.iq1m();
  const bs = 16;
  const weight = new Float32Array(bs);
  const L = new Int8Array(bs);
  const index = new Uint16Array(2);
  const scales = new Float32Array(16);
  const shifts = new Int8Array(16);
  const sumqx = new Float32Array(4);
  const sumq2 = new Float32Array(4);
  // shift table of group k (0, 1) under shift combination c
  const tableOf = (c: number) => (k: number) => (k === 0 ? (c < 2 ? X_P : X_M) : c % 2 === 0 ? X_P : X_M);
  for (let ibl = 0; ibl < x.length / QK_K; ibl++) {
    const qo = 56 * ibl;
    q.fill(0, qo, qo + 56);
    let maxScale = 0;
    const sigma2 = fround(fround(2 * superBlockSumX2(x, QK_K * ibl)) / QK_K);
    for (let ib = 0; ib < 16; ib++) {
      const xo = QK_K * ibl + bs * ib;
      blockWeights(weight, x, xo, imatrix, sigma2);
      const max = absMax(x, xo, bs);
      if (max < GROUP_MAX_EPS_IQ1_M) {
        scales[ib] = 0;
        shifts[ib] = 0;
        continue;
      }
      const order = sortedOrder(x, xo, bs);
      let bestScore = -FLT_MAX;
      let scale = max;
      let besti1 = -1;
      let besti2 = -1;
      let bestK = -1;
      for (let i1 = 0; i1 <= bs; i1++) {
        for (let i2 = i1; i2 <= bs; i2++) {
          sumqx.fill(0);
          sumq2.fill(0);
          for (let j = 0; j < bs; j++) {
            const i = order[j]!;
            const lvl = j < i1 ? 0 : j < i2 ? 1 : 2;
            const w = weight[i]!;
            const xi = x[xo + i]!;
            const p = X_P[lvl]!;
            const m = X_M[lvl]!;
            const wpx = fround(fround(w * p) * xi);
            const wmx = fround(fround(w * m) * xi);
            const wpp = fround(fround(w * p) * p);
            const wmm = fround(fround(w * m) * m);
            // first half of the block takes the first shift of the combination, second half the second
            const first = i < bs / 2;
            sumqx[0] = fround(sumqx[0]! + wpx);
            sumqx[1] = fround(sumqx[1]! + (first ? wpx : wmx));
            sumqx[2] = fround(sumqx[2]! + (first ? wmx : wpx));
            sumqx[3] = fround(sumqx[3]! + wmx);
            sumq2[0] = fround(sumq2[0]! + wpp);
            sumq2[1] = fround(sumq2[1]! + (first ? wpp : wmm));
            sumq2[2] = fround(sumq2[2]! + (first ? wmm : wpp));
            sumq2[3] = fround(sumq2[3]! + wmm);
          }
          for (let k = 0; k < 4; k++) {
            if (sumq2[k]! > 0 && fround(sumqx[k]! * sumqx[k]!) > fround(bestScore * sumq2[k]!)) {
              scale = fround(sumqx[k]! / sumq2[k]!);
              bestScore = fround(scale * sumqx[k]!);
              besti1 = i1;
              besti2 = i2;
              bestK = k;
            }
          }
        }
      }
      if (besti1 < 0 || besti2 < 0 || bestK < 0) {
        scales[ib] = 0;
        shifts[ib] = 0;
        continue;
      }
      splitLevels(L, order, besti1, besti2);
      if (scale < 0) {
        for (let j = 0; j < bs; j++) L[j] = 2 - L[j]!;
        scale = -scale;
        bestK = 3 - bestK;
      }
      const shiftOf = tableOf(bestK);
      if (!snapGroups(s, L, x, xo, weight, scale, shiftOf, index)) {
        const [sx, s2] = refit(s, index, x, xo, weight, shiftOf);
        if (sx > 0 && s2 > 0) scale = fround(sx / s2);
      }
      q[qo + 2 * ib] = index[0]! & 255;
      q[qo + 2 * ib + 1] = index[1]! & 255;
      q[qo + 32 + ib] = (index[0]! >> 8) | ((index[1]! >> 8) << 4);
      if (!(scale >= 0)) ggmlAbort('iq1_m', 'GGML_ASSERT(scale >= 0): the block scale is NaN');

      scales[ib] = scale;
      shifts[ib] = bestK;
      maxScale = MAX(maxScale, scale);
    }
    if (!maxScale) continue;
    const sc = new Uint16Array(4);
    let d = fround(maxScale / 15);
    const id = fround(1 / d);
    let sumqxF = 0;
    let sumq2F = 0;
    for (let ib = 0; ib < 16; ib++) {
      const l = clampInt(nearestInt(fround(0.5 * fround(fround(id * scales[ib]!) - 1))), 0, 7);
      sc[ib >> 2] = sc[ib >> 2]! | (l << (3 * (ib % 4)));
      q[qo + 32 + ib] = q[qo + 32 + ib]! | MASKS[shifts[ib]!]!;
      const xo = QK_K * ibl + bs * ib;
      blockWeights(weight, x, xo, imatrix, sigma2);
      const shiftOf = tableOf(shifts[ib]!);
      for (let k = 0; k < 2; k++) {
        const xx = shiftOf(k);
        const g = q[qo + 2 * ib + k]! + ((q[qo + 32 + ib]! << (8 - 4 * k)) & 0x700);
        for (let j = 0; j < 8; j++) {
          const w = weight[8 * k + j]!;
          const qv = fround(xx[(s.grid[8 * g + j]! - 1) >> 1]! * (2 * l + 1));
          sumqxF = fround(sumqxF + fround(fround(w * qv) * x[xo + 8 * k + j]!));
          sumq2F = fround(sumq2F + fround(fround(w * qv) * qv));
        }
      }
    }
    if (sumq2F > 0) d = fround(sumqxF / sumq2F);
    const h = fp32ToFp16Bits(fround(d * fround(1.1125))); // ggml: "another fudge factor"
    sc[0] = sc[0]! | ((h & 0x000f) << 12);
    sc[1] = sc[1]! | ((h & 0x00f0) << 8);
    sc[2] = sc[2]! | ((h & 0x0f00) << 4);
    sc[3] = sc[3]! | (h & 0xf000);
    for (let k = 0; k < 4; k++) {
      q[qo + 48 + 2 * k] = sc[k]! & 0xff;
      q[qo + 49 + 2 * k] = sc[k]! >> 8;
    }
  }
}
