/**
 * `qbench site DIR... --out DIR`: build the static leaderboard from result folders (results.json and
 * history/*.json, validated) without re-running anything. The latest batch is the leaderboard; every batch
 * feeds the history view.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { QbenchError } from '@qbench/core';
import { buildSite } from '@qbench/site';
import { batchFileName, mergeResults, readResultsDirs, writeResultsFile } from '@qbench/spec';
import { parse, str } from '../args.ts';
import type { Io } from '../io.ts';

export const summary =
  'build the static leaderboard site (HTML + SVG, works from file://) from result folders';

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('site', argv, { out: { type: 'string' } });
  if (p.positionals.length === 0)
    throw new QbenchError('cli.args', 'site: give a results folder (e.g. reports/latest)');
  const out = str(p, 'out') ?? p.positionals[0]!;
  const { results } = readResultsDirs(p.positionals);
  const merged = mergeResults(results);
  if (merged.latest === undefined) throw new QbenchError('site.empty', 'site: no runs in the given folders');
  // The pages link to results.json: write the data they were built from beside them.
  const current = merged.batches.get(merged.latest)!;
  mkdirSync(out, { recursive: true });
  writeResultsFile(join(out, 'results.json'), current);
  if (merged.batches.size > 1) {
    mkdirSync(join(out, 'history'), { recursive: true });
    for (const [batch, set] of merged.batches)
      writeResultsFile(join(out, 'history', batchFileName(batch)), set);
  }
  const site = buildSite({ current, history: [...merged.batches.values()], outDir: out });
  io.err(`${site.index}: site with ${site.pages.length} pages\n`);
  return 0;
}
