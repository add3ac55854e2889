/**
 * The one path from result folders to a published folder, shared by `qbench merge` and `qbench site`:
 * read and validate every input (a folder gives its results.json and history/*.json), merge the shards of each
 * batch, write `<out>/results.json` (the latest batch) and `<out>/history/<batch>.json` for the newest `keep`
 * batches (listed in history/index.txt so a published site can be read back); then publishSite builds the site
 * there.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QbenchError } from '@qbench/core';
import { buildSite } from '@qbench/site';
import {
  batchFileName,
  mergeResults,
  type ResultsFile,
  readResultsDirs,
  writeResultsFile,
} from '@qbench/spec';
import type { Io } from './io.ts';

export interface PublishOptions {
  /** The command, for messages. */
  command: 'merge' | 'site';
  /** Batches of history to keep (the newest); undefined keeps all. */
  keep?: number;
}

export interface Published {
  files: string[];
  batches: number;
  latest: string;
  current: ResultsFile;
  /** The kept batches, oldest first (the site's history view). */
  history: ResultsFile[];
}

export function publishResults(inputs: readonly string[], out: string, o: PublishOptions): Published {
  const { files, results } = readResultsDirs([...inputs]);
  const merged = mergeResults(results);
  if (merged.latest === undefined)
    throw new QbenchError(`${o.command}.empty`, `${o.command}: no runs in ${files.join(', ')}`);
  mkdirSync(join(out, 'history'), { recursive: true });
  const kept = [...merged.batches].slice(o.keep === undefined ? 0 : -o.keep);
  for (const [batch, set] of kept) writeResultsFile(join(out, 'history', batchFileName(batch)), set);
  writeFileSync(
    join(out, 'history', 'index.txt'),
    kept.map(([batch]) => `${batchFileName(batch)}\n`).join(''),
  );
  const current = merged.batches.get(merged.latest)!;
  // the pages link to results.json: the data they are built from lies beside them
  writeResultsFile(join(out, 'results.json'), current);
  return {
    files,
    batches: merged.batches.size,
    latest: merged.latest,
    current,
    history: kept.map(([, set]) => set),
  };
}

/** The static leaderboard of a published folder, built into it. */
export function publishSite(out: string, p: Published, io: Io): void {
  const site = buildSite({ current: p.current, history: p.history, outDir: out });
  io.err(`${site.index}: site with ${site.pages.length} pages\n`);
}
