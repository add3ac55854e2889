/**
 * The contract between `qbench run` and the suites (suites/<name>/src/index.ts default-exports a Suite).
 *
 * - A run is a list of work items, from every suite. Sharding (`--shard i/n`) assigns items to shards
 *   deterministically from the item ids and weights alone, so the same i/n on the same code always gets the
 *   same items and the union of all shards is the whole run with no item twice.
 * - `runItem` returns the item's records; the runner appends them to disk as soon as the item finishes
 *   (so Ctrl-C keeps them and `--resume` skips the item), stamps them with the run and the item id
 *   (`<suite>:<item id>`), and validates them against results.schema.json.
 * - A suite never crashes the run: if `runItem` throws, the runner stores one error record for the item
 *   (metric 'item', value null, `error` = the message). Suites should still turn an expected failure of
 *   one format into a record of its own (value null + `error`, or a verdict value + `details`) so the
 *   rest of the item's measurements survive.
 * - Within one item, (suite, format, kernel, backend, dataset, metric) must be unique: it is the record's
 *   key for merging. An item that repeats a key is stored as an error record instead.
 * - Metric names are the enum of results.schema.json (`$defs.metric`); METRIC and MetricName are generated
 *   from it, so a suite writes `METRIC.sqnrDb`, never a free string. The leaderboard's are listed in
 *   packages/site/README.md.
 */
import type { MetricName } from './generated/metrics.ts';

/** One measurement. Run metadata (machine, commit, time) is attached by the runner, not by suites. */
export interface ResultRecord {
  suite: string;
  format: string;
  /** Kernel id `format/op/backend`, or 'reference' / '-' where no kernel is involved. */
  kernel: string;
  backend: string;
  dataset: string;
  metric: MetricName;
  /** null only together with `error` (a failed measurement is a record, never a crash of the run). */
  value: number | string | boolean | null;
  unit: string;
  /** Optional structured extras (first mismatch, per-output error distribution, skip reason…). */
  details?: Record<string, unknown>;
  error?: string;
}

/**
 * One unit of work. `P` is the suite's plan: what `runItem` is to do, as data (which format, part, kernel…),
 * so the suite never parses it back out of the id. Plans are plain JSON values: sharding and `--resume`
 * recompute the items from the options and match them by id, so a plan must follow from the options alone.
 */
export interface WorkItem<P = unknown> {
  /** Stable across runs and machines: used for sharding, resume and merge de-duplication. */
  id: string;
  /** Human label for the progress bar. */
  label: string;
  /** The suite's own description of the item; only the suite reads it. */
  plan: P;
  /** The format this item measures, when it is about one: `--format` filters on it and a crash of the item is attributed to it. */
  format?: string;
  /** Rough relative cost (1 by default): shards are balanced by total weight. */
  weight?: number;
}

export interface SuiteOptions {
  /** Only these formats (ids); all when undefined. */
  formats?: string[];
  /** Smaller sizes for tests and smoke runs. */
  quick?: boolean;
  /** Nightly sizes: populations large enough for tight bounds, meant to be sharded (--full). */
  full?: boolean;
  /** User-supplied inputs (e.g. --weights model.safetensors). */
  inputs?: Record<string, string>;
}

export interface RunContext {
  /** Log a plain line (the runner routes it to stderr or a progress bar). */
  log(message: string): void;
  /** Abort signal (Ctrl-C). Long items should check it between steps; an aborted item is not stored. */
  signal: AbortSignal;
  /** Record the GPU adapter the suite ran on (e.g. 'NVIDIA H200 (Vulkan)'): it becomes run.machine.gpu. */
  setGpuAdapter(description: string): void;
}

/** A suite whose work items carry plans of type `P` (each suite's own union of what its items do). */
export interface Suite<P = unknown> {
  /** Equals the folder name under suites/; the prefix of the suite's work-item ids in results. */
  readonly name: string;
  readonly summary: string;
  /** Must be deterministic for given options (sharding depends on it); ids unique within the suite. */
  workItems(options: SuiteOptions): Promise<WorkItem<P>[]>;
  /** Runs one of this suite's own items, as workItems returned it (its typed plan included). */
  runItem(item: WorkItem<P>, options: SuiteOptions, ctx: RunContext): Promise<ResultRecord[]>;
}
