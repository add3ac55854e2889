/**
 * `qbench site DIR... --out DIR`: build the static leaderboard from result folders (results.json and
 * history/*.json, validated) without re-running anything: the same path as `qbench merge` (publish.ts), keeping
 * every batch. The latest batch is the leaderboard; every batch feeds the history view.
 */
import { QbenchError } from '@qbench/core';
import { parse, str } from '../args.ts';
import type { Io } from '../io.ts';
import { publishResults, publishSite } from '../publish.ts';

export const summary =
  'build the static leaderboard site (HTML + SVG, works from file://) from result folders';

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('site', argv, { out: { type: 'string' } });
  if (p.positionals.length === 0)
    throw new QbenchError('cli.args', 'site: give a results folder (e.g. reports/latest)');
  const out = str(p, 'out') ?? p.positionals[0]!;
  publishSite(out, publishResults(p.positionals, out, { command: 'site' }), io);
  return 0;
}
