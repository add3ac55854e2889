/**
 * Trends of each format's headline metrics across merged batches (qbench merge keeps one results file per
 * batch under history/): one point per batch with its commit, the noise band measured on the points before
 * the latest, and whether the latest point is a regression beyond that band (marked on the index).
 */
import type { ResultsFile } from '@qbench/spec';
import type { Better } from './metrics.ts';
import { buildModel, type FormatRow } from './model.ts';
import { type Change, classifyChange, type NoiseBand, noiseBand } from './noise.ts';

export interface Headline {
  /** 'sqnr', 'kl' or 'throughput:<backend>'. */
  key: string;
  label: string;
  unit: string;
  better: Better;
}

export interface TrendPoint {
  batch: string;
  commit: string;
  startedAt: string;
  value: number;
}

export interface Trend {
  headline: Headline;
  points: TrendPoint[];
  /** Measured on every point but the latest; undefined with too few points. */
  band: NoiseBand | undefined;
  change: Change;
}

const SQNR: Headline = { key: 'sqnr', label: 'SQNR N(0,1)', unit: 'dB', better: 'higher' };
const KL: Headline = { key: 'kl', label: 'KL (model)', unit: 'nats', better: 'lower' };
const throughput = (backend: string): Headline => ({
  key: `throughput:${backend}`,
  label: `GB/s ${backend}`,
  unit: 'GB/s',
  better: 'higher',
});

/** The headline metrics of a row: SQNR, KL and the best throughput of each backend it was measured on. */
export function headlineValues(row: FormatRow): Map<string, { headline: Headline; value: number }> {
  const out = new Map<string, { headline: Headline; value: number }>();
  if (row.sqnrGaussianDb !== undefined && Number.isFinite(row.sqnrGaussianDb))
    out.set(SQNR.key, { headline: SQNR, value: row.sqnrGaussianDb });
  if (row.kl !== undefined && Number.isFinite(row.kl)) out.set(KL.key, { headline: KL, value: row.kl });
  for (const [backend, v] of row.throughput) {
    const h = throughput(backend);
    out.set(h.key, { headline: h, value: v });
  }
  return out;
}

/**
 * Per format, one trend per headline metric over `batches` (oldest first). The latest point is judged only
 * when it belongs to the newest batch; a format missing from the newest batch keeps its history unjudged.
 */
export function buildTrends(batches: readonly ResultsFile[]): Map<string, Trend[]> {
  const series = new Map<string, Map<string, { headline: Headline; points: TrendPoint[] }>>();
  const newest = batches.at(-1)?.runs[0]?.batch;
  for (const batch of batches) {
    const run = batch.runs[0];
    if (!run) continue;
    for (const row of buildModel(batch).rows) {
      const perFormat = series.get(row.id) ?? new Map();
      series.set(row.id, perFormat);
      for (const [key, { headline, value }] of headlineValues(row)) {
        const s = perFormat.get(key) ?? { headline, points: [] };
        s.points.push({ batch: run.batch, commit: run.qbench.commit, startedAt: run.startedAt, value });
        perFormat.set(key, s);
      }
    }
  }
  const out = new Map<string, Trend[]>();
  for (const [format, perFormat] of series) {
    const trends = [...perFormat.values()].map(({ headline, points }): Trend => {
      const latest = points.at(-1)!;
      const band = noiseBand(points.slice(0, -1).map((p) => p.value));
      const judged = latest.batch === newest;
      return {
        headline,
        points,
        band,
        change: judged ? classifyChange(latest.value, band, headline.better) : 'no-band',
      };
    });
    out.set(format, trends);
  }
  return out;
}

/** The trends whose latest point is a regression beyond the band, by format. */
export function regressions(trends: Map<string, Trend[]>): Map<string, Trend[]> {
  const out = new Map<string, Trend[]>();
  for (const [format, list] of trends) {
    const bad = list.filter((t) => t.change === 'regression');
    if (bad.length > 0) out.set(format, bad);
  }
  return out;
}
