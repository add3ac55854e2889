/**
 * buildSite: results → a static folder (index.html, formats/<id>.html, compare.html + compare-data.js,
 * history.html). The data files
 * (results.json, history/*.json) are written by the commands that own them (run, merge, site); the pages
 * embed everything they show, so they open from file:// with no fetch.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsFile } from '@qbench/spec';
import { compareData, compareDataScript, comparePage } from './compare.ts';
import { formatData } from './format-data.ts';
import { formatHref, formatPage } from './format-page.ts';
import { buildModel, summariseBatch } from './model.ts';
import { neighbours } from './neighbours.ts';
import { historyPage, overviewPage } from './pages.ts';
import { paretoCsv, paretoTable } from './pareto.ts';
import { buildTrends } from './trends.ts';

export interface SiteInput {
  /** The leaderboard's result set (one batch, shards merged). */
  current: ResultsFile;
  /** Every batch, oldest first (may include `current`); drives the history view. */
  history: ResultsFile[];
  outDir: string;
}

export interface SiteOutput {
  index: string;
  /** Every page written, paths under outDir. */
  pages: string[];
}

export function buildSite(input: SiteInput): SiteOutput {
  const model = buildModel(input.current);
  const sets = input.history.length > 0 ? input.history : [input.current];
  const batches = sets.map(summariseBatch);
  const trends = buildTrends(sets);
  const data = new Map(model.rows.map((row) => [row.id, formatData(row, model)] as const));
  mkdirSync(join(input.outDir, 'formats'), { recursive: true });
  const pages: string[] = [];
  const write = (rel: string, html: string) => {
    writeFileSync(join(input.outDir, rel), html);
    pages.push(rel);
  };
  write('index.html', overviewPage(model, batches.length, trends));
  for (const row of model.rows)
    write(
      formatHref(row.id),
      formatPage({
        row,
        data: data.get(row.id)!,
        neighbours: neighbours(row, model.rows, data, trends),
        trends: trends.get(row.id) ?? [],
      }),
    );
  write('compare.html', comparePage(model.rows.map((r) => r.id)));
  write('history.html', historyPage(batches));
  // Plot-ready data beside the pages (not counted as pages).
  const pareto = paretoTable(model);
  writeFileSync(join(input.outDir, 'pareto.json'), `${JSON.stringify(pareto, null, 2)}\n`);
  writeFileSync(join(input.outDir, 'pareto.csv'), paretoCsv(pareto));
  // The comparison page's data: a script (not JSON) so compare.html can load it from file:// without fetch.
  writeFileSync(join(input.outDir, 'compare-data.js'), compareDataScript(compareData(model.rows, data)));
  return { index: join(input.outDir, 'index.html'), pages };
}
