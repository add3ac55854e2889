/**
 * The results file (results.schema.json): `{ schemaVersion: 1, runs: RunMetadata[], records: StoredRecord[] }`.
 * A run of `qbench run` writes one with a single entry in `runs`; `qbench merge` writes one with every run
 * whose records it kept. Every writer validates before writing and every reader validates what it reads, so a
 * file on disk is either conforming or refused with its path and a JSON pointer.
 *
 * JSON cannot hold NaN or ±Infinity, and a lossless codec has an infinite SQNR: numeric values that are not
 * finite are stored as the strings 'NaN', 'Infinity', '-Infinity' (`encodeValue`) and read back with
 * `numericValue`. Inside `details` the same replacement is applied at any depth.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QbenchError } from '@qbench/core';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { ResultRecord } from './suite.ts';

export const RESULTS_SCHEMA_VERSION = 1;

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryBytes: number;
  /** e.g. `Linux 6.8.0 x64` */
  os: string;
  /** process.version */
  node: string;
  /** The GPU adapter a suite used (RunContext.setGpuAdapter), null when none. */
  gpu: string | null;
}

export interface RunMetadata {
  id: string;
  /** Runs of one batch are one result set (e.g. the shards of one nightly); other batches are history. */
  batch: string;
  qbench: { version: string; commit: string };
  machine: MachineInfo;
  /** ISO 8601 UTC. */
  startedAt: string;
  durationMs: number;
  /** 1-based shard of a sharded run, null for a whole run. */
  shard: { index: number; count: number } | null;
  suites: string[];
  /** --format filter, null for all formats. */
  formats: string[] | null;
  quick: boolean;
  /** --full: nightly population sizes (absent in older results = false). */
  full?: boolean;
  /** false when interrupted before every assigned item finished. */
  complete: boolean;
  /** Work items assigned to this run. */
  items?: number;
  /** The native ggml this run loaded, or why none was available (absent in older results). */
  ggml?: GgmlRunInfo;
}

/** @qbench/ggml-native's report of which ggml it loaded (package, ggml version and commit, CPU variant). */
export type GgmlRunInfo =
  | {
      available: true;
      package: string;
      packageVersion: string;
      ggmlVersion: string;
      ggmlCommit: string;
      llamaCpp: { repo: string | null; release: string | null };
      buildMetadata: Readonly<Record<string, unknown>> | null;
      cpuVariant: string;
      cpuScores: Readonly<Record<string, number>>;
    }
  | { available: false; reason: string };

/** A record as stored: the suite's record plus the run that produced it and its work item. */
export interface StoredRecord extends ResultRecord {
  run: string;
  /** `<suite>:<item id>`: unique across suites, the unit of sharding, resume and de-duplication. */
  item: string;
}

export interface ResultsFile {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  runs: RunMetadata[];
  records: StoredRecord[];
}

export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', 'results.schema.json');

type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let compiled: Validator | undefined;

function validator(): Validator {
  if (!compiled) {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      strictTypes: false,
      allowUnionTypes: true,
    });
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'))) as Validator;
  }
  return compiled;
}

export interface ResultsProblem {
  pointer: string;
  reason: string;
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties')
    return `unexpected property '${String(params['additionalProperty'])}'`;
  if (e.keyword === 'required') return `missing required property '${String(params['missingProperty'])}'`;
  const extra = Object.keys(params).length > 0 ? ` ${JSON.stringify(params)}` : '';
  return `${e.message ?? 'invalid'}${extra}`;
}

/** Schema problems plus what a schema cannot say: every record's run exists, run ids are unique. */
export function checkResults(data: unknown): ResultsProblem[] {
  const validate = validator();
  if (!validate(data)) {
    // `if/then` failures repeat the `then` error; keep the informative ones.
    const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'if');
    return errors.map((e) => ({ pointer: e.instancePath || '/', reason: describe(e) }));
  }
  const file = data as ResultsFile;
  const problems: ResultsProblem[] = [];
  const ids = new Set<string>();
  file.runs.forEach((r, i) => {
    if (ids.has(r.id)) problems.push({ pointer: `/runs/${i}/id`, reason: `run id '${r.id}' appears twice` });
    ids.add(r.id);
  });
  file.records.forEach((r, i) => {
    if (!ids.has(r.run))
      problems.push({ pointer: `/records/${i}/run`, reason: `run '${r.run}' is not in /runs` });
  });
  return problems;
}

/** Throw a QbenchError naming the file and the first JSON pointers when `data` is not a results file. */
export function assertResults(data: unknown, file: string): asserts data is ResultsFile {
  const problems = checkResults(data);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).map((p) => `${p.pointer}: ${p.reason}`);
  const more = problems.length > 3 ? ` (+${problems.length - 3} more)` : '';
  throw new QbenchError('results.invalid', `${file}: ${shown.join('; ')}${more}`, {
    file,
    pointer: problems[0]!.pointer,
    problems,
  });
}

export function readResultsFile(file: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new QbenchError(
      'results.missing',
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      { file },
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new QbenchError('results.json', `${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  assertResults(data, file);
  return data;
}

/** Validate, then write atomically (temp file + rename) so a reader never sees half a file. */
export function writeResultsFile(file: string, data: ResultsFile): void {
  const clean = JSON.parse(JSON.stringify(data, jsonReplacer)) as unknown;
  assertResults(clean, file);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(clean, null, 1)}\n`);
  renameSync(tmp, file);
}

/** JSON.stringify replacer: non-finite numbers become strings, typed arrays become arrays, bigints strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (ArrayBuffer.isView(value) && !(value instanceof DataView))
    return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

export function encodeValue(v: ResultRecord['value']): ResultRecord['value'] {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : v;
}

/** A record's value as a number: numbers, and the strings a non-finite number is stored as; else undefined. */
export function numericValue(v: ResultRecord['value']): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (v === 'NaN') return Number.NaN;
  return undefined;
}

/** What identifies a measurement: two records with the same key measure the same thing (the later run wins). */
export function recordKey(
  r: Pick<StoredRecord, 'item' | 'suite' | 'format' | 'kernel' | 'backend' | 'dataset' | 'metric'>,
): string {
  return [r.item, r.suite, r.format, r.kernel, r.backend, r.dataset, r.metric].join('\u0000');
}
