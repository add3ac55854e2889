/**
 * The plot-ready Pareto table the accuracy issue asks for: one row per format with bits/weight, SQNR on
 * N(0,1) and model-level KL, and whether the format is on the frontier of each trade-off (bits/weight vs
 * SQNR: no other format has fewer bits and at least as much SQNR; bits/weight vs KL: likewise with less KL).
 * Written beside the site as pareto.json and pareto.csv so anyone can re-plot it.
 */
import { paretoFrontier, type SiteModel } from './model.ts';

export interface ParetoRow {
  format: string;
  family: string;
  bitsPerWeight: number;
  sqnrDb: number | null;
  kl: number | null;
  onSqnrFrontier: boolean;
  onKlFrontier: boolean;
}

export function paretoTable(model: SiteModel): ParetoRow[] {
  const rows = model.rows.filter((r) => r.bitsPerWeight !== undefined);
  const sqnr = paretoFrontier(
    rows
      .filter((r) => r.sqnrGaussianDb !== undefined && Number.isFinite(r.sqnrGaussianDb))
      .map((r) => ({ id: r.id, x: r.bitsPerWeight!, y: r.sqnrGaussianDb! })),
  );
  // Less KL is better: the frontier of −KL.
  const kl = paretoFrontier(
    rows.filter((r) => r.kl !== undefined).map((r) => ({ id: r.id, x: r.bitsPerWeight!, y: -r.kl! })),
  );
  const onSqnr = new Set(sqnr.map((p) => p.id));
  const onKl = new Set(kl.map((p) => p.id));
  return rows
    .map((r) => ({
      format: r.id,
      family: r.family,
      bitsPerWeight: r.bitsPerWeight!,
      sqnrDb: r.sqnrGaussianDb ?? null,
      kl: r.kl ?? null,
      onSqnrFrontier: onSqnr.has(r.id),
      onKlFrontier: onKl.has(r.id),
    }))
    .sort((a, b) => a.bitsPerWeight - b.bitsPerWeight || a.format.localeCompare(b.format));
}

export function paretoCsv(rows: ParetoRow[]): string {
  const head = 'format,family,bits_per_weight,sqnr_db,kl_divergence,on_sqnr_frontier,on_kl_frontier';
  const line = (r: ParetoRow) =>
    [r.format, r.family, r.bitsPerWeight, r.sqnrDb ?? '', r.kl ?? '', r.onSqnrFrontier, r.onKlFrontier].join(
      ',',
    );
  return `${[head, ...rows.map(line)].join('\n')}\n`;
}
