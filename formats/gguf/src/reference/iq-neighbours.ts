/**
 * The search structures ggml's i-quant quantizers build at init (iq2xs_init_impl, iq3xs_init_impl), built
 * here from the spec grids, deterministically:
 *
 * - levels: each grid coordinate as a level l (0, 1, 2 for the 2-bit grids and iq1s_grid; 0..7 for the
 *   3-bit grids), the rank of its value among the grid's distinct values (iq2: 8, 25, 43; iq1s: −1, 0, 1;
 *   iq3xxs: 4, 12, …, 52, 62; iq3s: 1, 3, …, 15). ggml's init grids hold 2l + 1 per coordinate.
 * - map: for a point u = Σ l_k << (bits·k), the grid index when u is a grid point, else −(offset + 1) where
 *   neighbours[offset] = n is followed by the n candidate grid indices: every grid point in the `nwant`
 *   nearest squared-distance shells around (2l_k + 1), ordered by (distance, index) as ggml's qsort with
 *   iq2_compare_func leaves them. Offsets run over the off-grid points in increasing u.
 */
import { fround } from './float32.ts';
import { ggmlAbort } from './iq-common.ts';
import { IQ1S_GRID, IQ2S_GRID, IQ2XS_GRID, IQ2XXS_GRID, IQ3S_GRID, IQ3XXS_GRID } from './iq-grids.ts';

export interface GridSearch {
  /** Coordinates per grid point (8 or 4). */
  readonly width: number;
  /** Bits per coordinate in a map key (2 or 3). */
  readonly bits: number;
  /** Grid points as ggml's init grid: coordinate k of point i is 2l + 1 at width·i + k. */
  readonly grid: Int8Array;
  readonly map: Int32Array;
  readonly neighbours: Uint16Array;
}

/** Each coordinate's level: the rank of its value among the grid's distinct values. */
export function gridLevels(values: ArrayLike<number>, levels: number): Uint8Array {
  const distinct = [...new Set(Array.from(values))].sort((a, b) => a - b);
  if (distinct.length !== levels)
    throw new Error(`grid has ${distinct.length} distinct values, expected ${levels}`);
  const rank = new Map(distinct.map((v, i) => [v, i]));
  return Uint8Array.from(values, (v) => rank.get(v)!);
}

/** Marks keys the quantizers cannot form (a level beyond maxLevel): they get no neighbour list. */
const UNREACHABLE = -0x40000000;

/**
 * Build the map and neighbour lists. `maxLevel` is the largest level a quantizer can round to (kMaxQ − 1):
 * ggml also builds lists for the keys with a larger level (e.g. level 3 of the 2-bit grids), which no
 * quantizer can look up, so they are left out here; every reachable list is ggml's, in ggml's order.
 */
export function buildGridSearch(
  levels: Uint8Array,
  width: number,
  bits: number,
  kmapSize: number,
  nwant: number,
  maxLevel: number,
): GridSearch {
  const size = levels.length / width;
  const grid = Int8Array.from(levels, (l) => 2 * l + 1);
  const map = new Int32Array(kmapSize).fill(-1);
  for (let i = 0; i < size; i++) {
    let u = 0;
    for (let k = 0; k < width; k++) u |= levels[width * i + k]! << (bits * k);
    map[u] = i;
  }
  const pos = new Int32Array(width);
  const dist = new Int32Array(size);
  // squared distances are small integers: count per shell, then collect the nwant nearest shells in (d2, j) order
  const shellCount = new Int32Array(width * (2 * ((1 << bits) - 1)) ** 2 + 1);
  const lists: Uint16Array[] = [];
  let total = 0;
  const mask = (1 << bits) - 1;
  for (let u = 0; u < kmapSize; u++) {
    if (map[u]! >= 0) continue;
    let reachable = true;
    for (let k = 0; k < width; k++) {
      const l = (u >> (bits * k)) & mask;
      if (l > maxLevel) reachable = false;
      pos[k] = 2 * l + 1;
    }
    if (!reachable) {
      map[u] = UNREACHABLE;
      continue;
    }
    shellCount.fill(0);
    for (let j = 0; j < size; j++) {
      let d2 = 0;
      for (let k = 0; k < width; k++) {
        const diff = grid[width * j + k]! - pos[k]!;
        d2 += diff * diff;
      }
      dist[j] = d2;
      shellCount[d2]!++;
    }
    let n = 0;
    let have = 0;
    let lastShell = 0;
    for (let d2 = 0; d2 < shellCount.length && have < nwant; d2++) {
      if (shellCount[d2] === 0) continue;
      n += shellCount[d2]!;
      have++;
      lastShell = d2;
    }
    const list = new Uint16Array(n);
    let o = 0;
    for (let d2 = 0; d2 <= lastShell; d2++) {
      if (shellCount[d2] === 0) continue;
      for (let j = 0; j < size; j++) if (dist[j] === d2) list[o++] = j;
    }
    map[u] = -(total + 1);
    total += 1 + n;
    lists.push(list);
  }
  const neighbours = new Uint16Array(total);
  let o = 0;
  for (const list of lists) {
    neighbours[o++] = list.length;
    neighbours.set(list, o);
    o += list.length;
  }
  return { width, bits, grid, map, neighbours };
}

/**
 * iq2_find_best_neighbour / iq3_find_best_neighbour: among the candidates of an off-grid point the one with
 * the smallest Σ w·(scale·q − x)² in float32 (strict <, so the first wins ties); its levels go to L.
 */
export function findBestNeighbour(
  s: GridSearch,
  u: number,
  xval: Float32Array,
  weight: Float32Array,
  xo: number,
  scale: number,
  L: Int8Array,
): number {
  if (s.map[u] === UNREACHABLE)
    ggmlAbort('i-quant', `neighbour search for key ${u}, which no quantizer forms`);
  const start = -s.map[u]! - 1;
  const n = s.neighbours[start]!;
  let bestD2 = 3.4028234663852886e38;
  let gridIndex = -1;
  for (let j = 1; j <= n; j++) {
    const g = s.neighbours[start + j]!;
    let d2 = 0;
    for (let i = 0; i < s.width; i++) {
      const diff = fround(fround(scale * s.grid[s.width * g + i]!) - xval[xo + i]!);
      d2 = fround(d2 + fround(fround(weight[xo + i]! * diff) * diff));
    }
    if (d2 < bestD2) {
      bestD2 = d2;
      gridIndex = g;
    }
  }
  if (gridIndex < 0)
    ggmlAbort(
      'i-quant',
      'GGML_ASSERT(grid_index >= 0) in the neighbour search: no candidate nearer than FLT_MAX',
    );
  for (let i = 0; i < s.width; i++) L[xo + i] = (s.grid[s.width * gridIndex + i]! - 1) >> 1;
  return gridIndex;
}

const cache = new Map<string, GridSearch>();
function cached(key: string, build: () => GridSearch): GridSearch {
  let s = cache.get(key);
  if (!s) {
    s = build();
    cache.set(key, s);
  }
  return s;
}

/** iq2xs_init_impl's kmap_size: keys of 8 two-bit levels up to 0xAAAA, plus ggml's slack. */
const KMAP_2BIT = 43692;
/** iq3xs_init_impl's kmap_size: keys of 4 three-bit levels. */
const KMAP_3BIT = 4096;

/** ggml's search structure per grid; nwant as iq2xs_init_impl / iq3xs_init_impl choose it. */
export const gridSearch = {
  iq2xxs: () => cached('iq2xxs', () => buildGridSearch(gridLevels(IQ2XXS_GRID, 3), 8, 2, KMAP_2BIT, 2, 2)),
  iq2xs: () => cached('iq2xs', () => buildGridSearch(gridLevels(IQ2XS_GRID, 3), 8, 2, KMAP_2BIT, 2, 2)),
  iq2s: () => cached('iq2s', () => buildGridSearch(gridLevels(IQ2S_GRID, 3), 8, 2, KMAP_2BIT, 1, 2)),
  iq1s: () => cached('iq1s', () => buildGridSearch(gridLevels(IQ1S_GRID, 3), 8, 2, KMAP_2BIT, 3, 2)),
  /** iq1_m shares iq1_s's grid and search (iq2_data index 2). */
  iq1m: () => gridSearch.iq1s(),
  iq3xxs: () => cached('iq3xxs', () => buildGridSearch(gridLevels(IQ3XXS_GRID, 8), 4, 3, KMAP_3BIT, 2, 7)),
  iq3s: () => cached('iq3s', () => buildGridSearch(gridLevels(IQ3S_GRID, 8), 4, 3, KMAP_3BIT, 3, 7)),
};
