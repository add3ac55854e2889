/**
 * `qbench merge DIR|FILE... --out DIR [--no-site]`: validate every input results file (a folder contributes its
 * results.json and history/*.json), merge the shards of each batch (de-duplicated by work item + record key,
 * the later run winning), and write `<out>/results.json` (the latest batch) plus `<out>/history/<batch>.json`
 * for every batch (the newest `--history N`, default 90; `history/index.txt` lists them so a published site can
 * be read back), then build the site there. A non-conforming input is refused with its file and JSON pointer.
 */
import { join } from 'node:path';
import { QbenchError } from '@qbench/core';
import { flag, parse, str } from '../args.ts';
import type { Io } from '../io.ts';
import { publishResults, publishSite } from '../publish.ts';

export const summary = 'merge result sets (shards, previous nights) into one folder, validating every input';

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('merge', argv, {
    out: { type: 'string' },
    history: { type: 'string' },
    'no-site': { type: 'boolean' },
  });
  const keep = Number(str(p, 'history') ?? '90');
  if (!Number.isInteger(keep) || keep < 1)
    throw new QbenchError(
      'cli.args',
      `merge: --history expects a positive integer, got '${str(p, 'history')}'`,
    );
  const out = str(p, 'out');
  if (!out) throw new QbenchError('cli.args', 'merge: --out DIR is required');
  if (p.positionals.length === 0)
    throw new QbenchError('cli.args', 'merge: give at least one results folder or file');
  const published = publishResults(p.positionals, out, { command: 'merge', keep });
  const { files, current } = published;
  io.err(
    `merged ${files.length} files: ${published.batches} batches, latest '${published.latest}' with ${current.runs.length} runs and ${current.records.length} records → ${join(out, 'results.json')}\n`,
  );
  // Shards of one batch should come from one commit; mixing is allowed (a re-run shard) but said aloud.
  const commits = [...new Set(current.runs.map((r) => r.qbench.commit))];
  if (commits.length > 1)
    io.err(`warning: the latest batch mixes commits ${commits.map((c) => c.slice(0, 10)).join(', ')}\n`);
  const incomplete = current.runs.filter((r) => !r.complete);
  if (incomplete.length > 0)
    io.err(
      `warning: ${incomplete.length} run(s) of the latest batch were interrupted: ${incomplete.map((r) => r.id).join(', ')}\n`,
    );
  if (!flag(p, 'no-site')) publishSite(out, published, io);
  return 0;
}
