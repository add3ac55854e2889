/**
 * A format's neighbours: the formats within ±0.25 bits/weight, with the differences a reader weighs when
 * choosing between them (SQNR on N(0,1), model KL, throughput per shared backend). Each difference says
 * whether it can be told from noise: throughput from the recorded run-to-run spread of both measurements,
 * SQNR and KL from the history band where enough batches exist, else plainly that no noise estimate exists.
 */
import type { FormatData } from './format-data.ts';
import type { FormatRow } from './model.ts';
import type { Trend } from './trends.ts';

export const NEIGHBOUR_BITS = 0.25;

export type Resolution = 'beyond-noise' | 'within-noise' | 'no-estimate';

export interface Delta {
  /** neighbour − this format (for throughput: neighbour / this). */
  value: number;
  resolution: Resolution;
}

export interface Neighbour {
  id: string;
  family: string;
  bitsPerWeight: number;
  sqnrDb: Delta | undefined;
  kl: Delta | undefined;
  /** Per backend both were measured on: best decode GB/s ratio. */
  throughput: { backend: string; ratio: Delta }[];
}

/** Rows within ±NEIGHBOUR_BITS of `row` (not itself), nearest first, then by id. */
export function neighbourRows(row: FormatRow, rows: readonly FormatRow[]): FormatRow[] {
  const b = row.bitsPerWeight;
  if (b === undefined) return [];
  return rows
    .filter(
      (r) =>
        r.id !== row.id &&
        r.bitsPerWeight !== undefined &&
        Math.abs(r.bitsPerWeight - b) <= NEIGHBOUR_BITS + 1e-12,
    )
    .sort(
      (x, y) => Math.abs(x.bitsPerWeight! - b) - Math.abs(y.bitsPerWeight! - b) || (x.id < y.id ? -1 : 1),
    );
}

/** Difference of two values whose noise is only known from history bands (half-widths added). */
function bandDelta(a: number | undefined, b: number | undefined, ta?: Trend, tb?: Trend): Delta | undefined {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  const value = b - a;
  // A band of width 0 (a deterministic metric, identical every night) measures reproducibility, not the
  // sampling noise of the seeded data: it cannot tell a difference from noise either.
  if (!ta?.band || !tb?.band || (ta.band.mad === 0 && tb.band.mad === 0))
    return { value, resolution: 'no-estimate' };
  const noise = ta.band.halfWidth + tb.band.halfWidth;
  return { value, resolution: Math.abs(value) > noise ? 'beyond-noise' : 'within-noise' };
}

/** Decode throughput ratio; within noise when the two measurements' spreads (format-data.ts) overlap. */
function throughputDeltas(a: FormatData, b: FormatData): Neighbour['throughput'] {
  const out: Neighbour['throughput'] = [];
  for (const x of a.throughput) {
    const y = b.throughput.find((t) => t.backend === x.backend && t.op === x.op);
    if (!y || x.op !== 'decode' || x.gbps <= 0) continue;
    const resolution: Resolution =
      x.range && y.range
        ? x.range.hi >= y.range.lo && y.range.hi >= x.range.lo
          ? 'within-noise'
          : 'beyond-noise'
        : 'no-estimate';
    out.push({ backend: x.backend, ratio: { value: y.gbps / x.gbps, resolution } });
  }
  return out;
}

export function neighbours(
  row: FormatRow,
  rows: readonly FormatRow[],
  data: ReadonlyMap<string, FormatData>,
  trends: ReadonlyMap<string, Trend[]>,
): Neighbour[] {
  const trend = (id: string, key: string) => trends.get(id)?.find((t) => t.headline.key === key);
  const self = data.get(row.id);
  return neighbourRows(row, rows).map((n) => {
    const other = data.get(n.id);
    return {
      id: n.id,
      family: n.family,
      bitsPerWeight: n.bitsPerWeight!,
      sqnrDb: bandDelta(row.sqnrGaussianDb, n.sqnrGaussianDb, trend(row.id, 'sqnr'), trend(n.id, 'sqnr')),
      kl: bandDelta(row.kl, n.kl, trend(row.id, 'kl'), trend(n.id, 'kl')),
      throughput: self && other ? throughputDeltas(self, other) : [],
    };
  });
}
