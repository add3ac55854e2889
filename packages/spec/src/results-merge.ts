/**
 * Merging results files: the shards of one batch become one result set, and several batches (e.g. several
 * nights) are kept side by side as history. Within a batch, two records with the same key (work item +
 * suite, format, kernel, backend, dataset, metric) are the same measurement: the one from the run that
 * started later wins, so re-running a shard replaces its earlier records instead of doubling them.
 * Records under a renamed format id are read under the new id (renamed-formats.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { QbenchError } from '@qbench/core';
import { migrateRecord } from './renamed-formats.ts';
import {
  RESULTS_SCHEMA_VERSION,
  type ResultsFile,
  type RunMetadata,
  readResultsFile,
  recordKey,
} from './results.ts';

export interface MergedResults {
  /** Batch name → its merged result set, oldest batch first. */
  batches: Map<string, ResultsFile>;
  /** The batch whose runs started last (the leaderboard's current set), undefined when there is nothing. */
  latest: string | undefined;
}

function startOf(runs: RunMetadata[]): string {
  return runs.reduce((m, r) => (r.startedAt > m ? r.startedAt : m), '');
}

export function mergeResults(inputs: ResultsFile[]): MergedResults {
  const runsByBatch = new Map<string, Map<string, RunMetadata>>();
  const runById = new Map<string, RunMetadata>();
  for (const f of inputs) {
    for (const r of f.runs) {
      if (runById.has(r.id)) continue;
      runById.set(r.id, r);
      const b = runsByBatch.get(r.batch) ?? new Map<string, RunMetadata>();
      b.set(r.id, r);
      runsByBatch.set(r.batch, b);
    }
  }
  const recordsByBatch = new Map<string, Map<string, ResultsFile['records'][number]>>();
  const newer = (a: RunMetadata, b: RunMetadata) =>
    a.startedAt > b.startedAt || (a.startedAt === b.startedAt && a.id > b.id);
  for (const f of inputs) {
    for (const stored of f.records) {
      const run = runById.get(stored.run)!;
      // History under a format id that was later renamed reads under today's id (renamed-formats.ts).
      const rec = migrateRecord(stored, run);
      const recs = recordsByBatch.get(run.batch) ?? new Map();
      recordsByBatch.set(run.batch, recs);
      const key = recordKey(rec);
      const prev = recs.get(key);
      if (!prev || newer(run, runById.get(prev.run)!)) recs.set(key, rec);
    }
  }
  const order = [...runsByBatch.keys()].sort((a, b) => {
    const sa = startOf([...runsByBatch.get(a)!.values()]);
    const sb = startOf([...runsByBatch.get(b)!.values()]);
    return sa < sb ? -1 : sa > sb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  const batches = new Map<string, ResultsFile>();
  for (const name of order) {
    const runs = [...runsByBatch.get(name)!.values()].sort((a, b) =>
      a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0,
    );
    const records = [...(recordsByBatch.get(name)?.values() ?? [])].sort((a, b) => {
      const ka = recordKey(a);
      const kb = recordKey(b);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    batches.set(name, { schemaVersion: RESULTS_SCHEMA_VERSION, runs, records });
  }
  return { batches, latest: order.at(-1) };
}

/**
 * The results files a directory holds: `results.json` and `history/*.json` (what `qbench run` and
 * `qbench merge` write). A path to a .json file is that file. Every file is validated on reading.
 */
export function findResultsFiles(path: string): string[] {
  if (!existsSync(path))
    throw new QbenchError('results.missing', `${path}: no such file or folder`, { file: path });
  if (statSync(path).isFile()) return [path];
  const files: string[] = [];
  if (existsSync(join(path, 'results.json'))) files.push(join(path, 'results.json'));
  const hist = join(path, 'history');
  if (existsSync(hist) && statSync(hist).isDirectory()) {
    for (const f of readdirSync(hist).sort()) if (f.endsWith('.json')) files.push(join(hist, f));
  }
  return files;
}

export function readResultsDirs(paths: string[]): { files: string[]; results: ResultsFile[] } {
  const files = paths.flatMap((p) => {
    const found = findResultsFiles(p);
    if (found.length === 0) {
      throw new QbenchError('results.missing', `${p}: no results.json or history/*.json in this folder`, {
        file: p,
      });
    }
    return found;
  });
  return { files, results: files.map((f) => readResultsFile(f)) };
}

/** A batch name as a file name (batch names come from dates or CI run ids, but be safe). */
export function batchFileName(batch: string): string {
  return `${batch.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;
}
