/**
 * `qbench run`'s engine: plan (every discovered suite's work items, filtered and sharded), execute one item at
 * a time appending its records to the journal, and finalise `<out>/results.json`. A suite that throws or
 * returns malformed records becomes an error record for that item; the run goes on. Ctrl-C aborts the item
 * in flight (its partial records are not stored), writes what finished, and exits non-zero; `--resume`
 * continues from the journal.
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { isQbenchError, QbenchError } from '@qbench/core';
import { nativeGgmlInfo } from '@qbench/ggml-native';
import {
  checkResults,
  encodeValue,
  jsonReplacer,
  METRIC,
  RESULTS_SCHEMA_VERSION,
  type ResultRecord,
  type ResultsFile,
  type RunContext,
  type RunMetadata,
  recordKey,
  type StoredRecord,
  type Suite,
  type SuiteOptions,
  type WorkItem,
  writeResultsFile,
} from '@qbench/spec';
import type { Io } from '../io.ts';
import { Journal, type RunHeader } from './journal.ts';
import { gitCommit, machineInfo, qbenchVersion } from './machine.ts';
import { runProgress } from './progress.ts';
import { type Shard, selectShard } from './shard.ts';

export interface RunOptions {
  /** Repository root: git commit, version. */
  root: string;
  /** packages/cli (for the version). */
  cliRoot: string;
  suites: Suite[];
  formats?: string[];
  quick: boolean;
  /** Nightly population sizes (SuiteOptions.full). */
  full?: boolean;
  /** User-supplied inputs passed to every suite (e.g. weights: a model file for the accuracy suite). */
  inputs?: Record<string, string>;
  shard: Shard | null;
  out: string;
  resume: boolean;
  batch?: string;
  io: Io;
  /** Aborts the run like Ctrl-C does (tests; the command wires SIGINT to it). */
  signal: AbortSignal;
}

export interface PlannedItem {
  suite: string;
  item: WorkItem;
  run(ctx: RunContext): Promise<ResultRecord[]>;
  /** `<suite>:<item id>` */
  id: string;
  weight: number;
}

export interface RunOutcome {
  file: string;
  results: ResultsFile;
  complete: boolean;
  ran: number;
  resumed: number;
  failedItems: number;
  errorRecords: number;
}

function message(e: unknown): string {
  if (isQbenchError(e)) return `${e.code}: ${e.message}`;
  if (e instanceof Error) return e.message || e.name;
  return String(e);
}

/** What is left of an item that threw: one error record, attributed to the item's format when known. */
function itemError(suite: string, item: WorkItem, error: string): ResultRecord {
  return {
    suite,
    format: item.format ?? '-',
    kernel: '-',
    backend: '-',
    dataset: '-',
    metric: METRIC.item,
    value: null,
    unit: '',
    details: { item: item.id },
    error,
  };
}

/** Every suite's items (a suite whose workItems() throws contributes one item that records the error). */
export async function planItems(
  suites: Suite[],
  options: SuiteOptions,
  log: (line: string) => void,
): Promise<PlannedItem[]> {
  const planned: PlannedItem[] = [];
  const seen = new Set<string>();
  for (const suite of suites) {
    let items: WorkItem[];
    try {
      items = await suite.workItems(options);
    } catch (e) {
      const error = message(e);
      log(`suite ${suite.name}: workItems() failed: ${error}`);
      const item: WorkItem = { id: 'workItems', label: `${suite.name}: list work items`, plan: null };
      planned.push({
        suite: suite.name,
        item,
        run: () => Promise.reject(e),
        id: `${suite.name}:workItems`,
        weight: 1,
      });
      continue;
    }
    for (const item of items) {
      if (options.formats && item.format !== undefined && !options.formats.includes(item.format)) continue;
      const id = `${suite.name}:${item.id}`;
      if (seen.has(id)) {
        log(`suite ${suite.name}: work item id '${item.id}' appears twice; the second is ignored`);
        continue;
      }
      seen.add(id);
      planned.push({
        suite: suite.name,
        item,
        run: (ctx) => suite.runItem(item, options, ctx),
        id,
        weight: item.weight ?? 1,
      });
    }
  }
  return planned;
}

/** Stamp, normalise and check an item's records; a malformed set is replaced by one error record. */
function stamp(p: PlannedItem, records: ResultRecord[], runMeta: RunMetadata): StoredRecord[] {
  const stamped = (rs: ResultRecord[]): StoredRecord[] =>
    rs.map((r) => {
      const s: StoredRecord = { ...r, value: encodeValue(r.value), run: runMeta.id, item: p.id };
      if (s.details === undefined) delete s.details;
      if (s.error === undefined) delete s.error;
      return JSON.parse(JSON.stringify(s, jsonReplacer)) as StoredRecord;
    });
  if (!Array.isArray(records))
    return stamped([
      itemError(p.suite, p.item, `runItem returned ${typeof records}, not an array of records`),
    ]);
  const out = stamped(records);
  const problems = checkResults({ schemaVersion: RESULTS_SCHEMA_VERSION, runs: [runMeta], records: out });
  if (problems.length > 0) {
    const what = problems
      .slice(0, 2)
      .map((x) => `${x.pointer.replace(/^\/records/, '')}: ${x.reason}`)
      .join('; ');
    return stamped([
      itemError(
        p.suite,
        p.item,
        `suite returned records that do not conform to results.schema.json: ${what}`,
      ),
    ]);
  }
  const keys = new Set<string>();
  for (const r of out) {
    const k = recordKey(r);
    if (keys.has(k)) {
      const dup = `${r.format}/${r.kernel}/${r.backend}/${r.dataset}/${r.metric}`;
      return stamped([itemError(p.suite, p.item, `suite returned two records with the same key (${dup})`)]);
    }
    keys.add(k);
  }
  return out;
}

function sameList(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === null || b === null) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function newHeader(o: RunOptions, suites: string[], plan: number): RunHeader {
  const startedAt = new Date().toISOString();
  const shardTag = o.shard ? `s${o.shard.index}of${o.shard.count}` : 'all';
  return {
    id: `${startedAt.replace(/[-:.]/g, '')}-${shardTag}-${randomBytes(3).toString('hex')}`,
    batch: o.batch ?? startedAt.slice(0, 10),
    qbench: { version: qbenchVersion(o.cliRoot), commit: gitCommit(o.root) },
    machine: machineInfo(null),
    // Which native ggml this process loaded (or why none): the oracle and baseline every record can rely on.
    ggml: nativeGgmlInfo(),
    startedAt,
    shard: o.shard,
    suites,
    formats: o.formats ?? null,
    quick: o.quick,
    ...(o.full ? { full: true } : {}),
    items: plan,
  };
}

function openJournal(
  o: RunOptions,
  file: string,
  suites: string[],
  plan: string[],
  log: (l: string) => void,
): Journal {
  if (o.resume) {
    const j = Journal.resume(file, (state) => {
      const h = state.header;
      const mismatch: string[] = [];
      if (!sameList(h.suites, suites)) mismatch.push(`suites ${h.suites.join(',')} vs ${suites.join(',')}`);
      if (!sameList(h.formats, o.formats ?? null))
        mismatch.push(`formats ${h.formats?.join(',') ?? 'all'} vs ${o.formats?.join(',') ?? 'all'}`);
      if (h.quick !== o.quick) mismatch.push(`quick ${h.quick} vs ${o.quick}`);
      if ((h.full ?? false) !== (o.full ?? false))
        mismatch.push(`full ${h.full ?? false} vs ${o.full ?? false}`);
      const shardText = (s: Shard | null) => (s ? `${s.index}/${s.count}` : 'none');
      if (shardText(h.shard) !== shardText(o.shard))
        mismatch.push(`shard ${shardText(h.shard)} vs ${shardText(o.shard)}`);
      if (mismatch.length > 0) {
        throw new QbenchError(
          'run.resume',
          `run: ${file} was written by a run with other options (${mismatch.join('; ')}); drop --resume to start over`,
          {
            file,
          },
        );
      }
    });
    if (j) {
      if (j.state.tornTail) log(`${file}: ignored a torn last line (the item it held will run again)`);
      return j;
    }
    log(`no journal at ${file}: starting a fresh run`);
  }
  return Journal.create(file, newHeader(o, suites, plan.length), plan);
}

export async function runSuites(o: RunOptions): Promise<RunOutcome> {
  const { io } = o;
  const suiteNames = o.suites.map((s) => s.name);
  const options: SuiteOptions = {
    quick: o.quick,
    ...(o.full ? { full: true } : {}),
    ...(o.formats ? { formats: o.formats } : {}),
    ...(o.inputs && Object.keys(o.inputs).length > 0 ? { inputs: o.inputs } : {}),
  };
  const all = await planItems(o.suites, options, (l) => io.err(`${l}\n`));
  const mine = selectShard(all, o.shard);
  const journalFile = join(o.out, 'records.jsonl');
  const journal = openJournal(
    o,
    journalFile,
    suiteNames,
    mine.map((p) => p.id),
    (l) => io.err(`${l}\n`),
  );
  const header = journal.state.header;
  const todo = mine.filter((p) => !journal.state.done.has(p.id));
  const resumed = mine.length - todo.length;
  if (resumed > 0) io.err(`resuming: ${resumed} of ${mine.length} items already finished\n`);
  let gpu: string | null = journal.state.gpu;
  const bar = runProgress(io, mine.length, resumed);
  let ran = 0;
  let failedItems = 0;
  for (const p of todo) {
    if (o.signal.aborted) break;
    bar.start(p.item.label);
    const t0 = Date.now();
    const meta: RunMetadata = { ...header, durationMs: 0, complete: false };
    let records: StoredRecord[];
    try {
      const ctx: RunContext = {
        log: (m: string) => bar.log(`${p.suite}: ${m}`),
        signal: o.signal,
        setGpuAdapter: (d: string) => void (gpu = d),
      };
      records = stamp(p, await p.run(ctx), meta);
    } catch (e) {
      if (o.signal.aborted) break;
      records = stamp(p, [itemError(p.suite, p.item, message(e))], meta);
      bar.log(`${p.id}: failed: ${message(e)}`);
    }
    // An item cut short by Ctrl-C is not stored: its records would be partial, and --resume reruns it.
    if (o.signal.aborted) break;
    if (records.some((r) => r.metric === METRIC.item && r.value === null)) failedItems++;
    journal.append(p.id, records, gpu);
    ran++;
    const errs = records.filter((r) => r.error !== undefined).length;
    bar.finish(
      p.item.label,
      `${records.length} records${errs ? `, ${errs} with errors` : ''} (${((Date.now() - t0) / 1000).toFixed(1)}s)`,
    );
  }
  bar.done();
  const complete = mine.every((p) => journal.state.done.has(p.id));
  const run: RunMetadata = {
    ...header,
    machine: { ...header.machine, gpu },
    durationMs: journal.elapsedMs(),
    complete,
    items: mine.length,
  };
  const records = mine.flatMap((p) =>
    (journal.state.done.get(p.id) ?? []).map((r) => ({ ...r, run: run.id })),
  );
  const results: ResultsFile = { schemaVersion: RESULTS_SCHEMA_VERSION, runs: [run], records };
  const file = join(o.out, 'results.json');
  writeResultsFile(file, results);
  return {
    file,
    results,
    complete,
    ran,
    resumed,
    failedItems,
    errorRecords: records.filter((r) => r.error !== undefined).length,
  };
}
