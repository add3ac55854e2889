/**
 * The mutation fuzzer for the GGUF scanner. Each mutant of a valid seed is scanned with a per-case
 * deadline; the outcome is a crash (anything escaping scanGguf, or a report that is not well formed),
 * a hang (past the deadline) or a report, which must then agree with the strict reader and the writer:
 * - the strict reader (openGguf) rejects the mutant exactly when the scan has a structural error;
 * - a mutant the reader accepts can be written back, and the rewrite scans with no structural error.
 * Bounded by a case count and a time budget; the test run uses a few hundred mutants, the nightly 10,000.
 */
import {
  bytesSource,
  FINDING_CODES,
  openGguf,
  type ScanReport,
  scanGguf,
  type Verdict,
  writeGguf,
  writeInputFrom,
} from '@qbench/gguf-file';
import type { FieldRecord } from '../corpus/emit.ts';
import { fieldMap, Mutator } from './mutate.ts';

export interface FuzzSeed {
  name: string;
  bytes: Uint8Array;
}

export interface FuzzOptions {
  seeds: readonly FuzzSeed[];
  /** Mutants to try (default 300). */
  cases?: number;
  /** Stop starting new cases after this many milliseconds (default 60 s). */
  timeBudgetMs?: number;
  /** A case taking longer than this is a hang (default 5 s). */
  caseDeadlineMs?: number;
  /** PRNG seed, so a run can be replayed. */
  seed?: number;
  /** Stop starting new cases when aborted (Ctrl-C in `qbench run`). */
  signal?: AbortSignal;
}

export interface FuzzProblem {
  case: number;
  seed: string;
  ops: string[];
  reason: string;
  /** The mutant, for replay (kept for the first few problems only). */
  bytes?: Uint8Array;
}

export interface FuzzResult {
  cases: number;
  /** Mutants whose report agreed with the strict reader and the writer. */
  expectedMet: number;
  verdicts: Record<Verdict, number>;
  /** How many mutants produced each finding code: shows how deep the mutants reach. */
  findingCodes: Record<string, number>;
  crashes: FuzzProblem[];
  hangs: FuzzProblem[];
  mismatches: FuzzProblem[];
  peakRssBytes: number;
  rssGrowthBytes: number;
  elapsedMs: number;
  slowestCaseMs: number;
}

/** Findings of files ggml loads but qbench's writer refuses to produce (names that mean two things). */
const UNWRITABLE = new Set<string>(['kv.key-nul', 'tensor.name-nul']);

/** Finding codes of the structural checks the strict reader shares with the scanner. */
const STRUCTURAL = /^(header|kv|align|tensor|layout)\./;

function structuralErrors(r: ScanReport): string[] {
  return r.findings
    .filter((f) => f.severity === 'error' && STRUCTURAL.test(f.code) && f.code !== 'tensor.param-count')
    .map((f) => f.code);
}

function checkReport(r: ScanReport, size: number): string | undefined {
  if (!r || !Array.isArray(r.findings)) return 'scan returned no findings list';
  for (const f of r.findings) {
    if (!Object.hasOwn(FINDING_CODES, f.code)) return `unknown finding code '${f.code}'`;
    if (!Number.isFinite(f.offset) || f.offset < 0 || f.offset > Math.max(size, 24))
      return `finding ${f.code} has offset ${f.offset}`;
  }
  return undefined;
}

const TIMEOUT = Symbol('timeout');

async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reader/writer agreement for one mutant; undefined when it holds. */
async function agreement(bytes: Uint8Array, report: ScanReport): Promise<string | undefined> {
  const structural = structuralErrors(report);
  let file: Awaited<ReturnType<typeof openGguf>>;
  try {
    file = await openGguf(bytesSource(bytes));
  } catch (e) {
    if ((e as { code?: string }).code !== 'gguf.malformed') return `reader threw ${(e as Error).message}`;
    return structural.length > 0 ? undefined : 'reader rejected a file the scanner found structurally sound';
  }
  if (structural.length > 0) return `reader accepted a file with ${structural.join(', ')}`;
  // A NUL byte in a key or tensor name loads in ggml (cut at the NUL) but the writer refuses to write one:
  // there the refusal is the expected outcome, and writing it anyway the mismatch.
  const unwritable = report.findings.find((f) => UNWRITABLE.has(f.code));
  let rewritten: Uint8Array;
  try {
    rewritten = await writeGguf(writeInputFrom(file));
  } catch (e) {
    if (unwritable) return undefined;
    return `writer refused what the reader accepted: ${(e as Error).message}`;
  }
  if (unwritable) return `writer wrote a file with ${unwritable.code} (${unwritable.message})`;
  const again = await scanGguf(bytesSource(rewritten), { content: false });
  const left = structuralErrors(again);
  return left.length > 0 ? `rewrite has ${left.join(', ')}` : undefined;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const cases = options.cases ?? 300;
  const budget = options.timeBudgetMs ?? 60_000;
  const deadline = options.caseDeadlineMs ?? 5_000;
  const mut = new Mutator(options.seed ?? 1);
  const seeds: { name: string; bytes: Uint8Array; fields: FieldRecord[] }[] = [];
  for (const s of options.seeds) seeds.push({ ...s, fields: await fieldMap(s.bytes) });

  const start = performance.now();
  const rss0 = process.memoryUsage().rss;
  const result: FuzzResult = {
    cases: 0,
    expectedMet: 0,
    verdicts: { clean: 0, suspicious: 0, malformed: 0 },
    findingCodes: {},
    crashes: [],
    hangs: [],
    mismatches: [],
    peakRssBytes: rss0,
    rssGrowthBytes: 0,
    elapsedMs: 0,
    slowestCaseMs: 0,
  };
  const keep = (list: FuzzProblem[], p: FuzzProblem) =>
    list.push(list.length < 5 ? p : { ...p, bytes: undefined });

  for (let i = 0; i < cases && performance.now() - start < budget && !options.signal?.aborted; i++) {
    const seed = seeds[i % seeds.length]!;
    const { bytes, ops } = mut.mutate(seed.bytes, seed.fields);
    const base = { case: i, seed: seed.name, ops, bytes };
    const t0 = performance.now();
    let report: ScanReport | typeof TIMEOUT;
    try {
      report = await withDeadline(scanGguf(bytesSource(bytes)), deadline);
    } catch (e) {
      keep(result.crashes, { ...base, reason: `${(e as Error).name}: ${(e as Error).message}` });
      result.cases++;
      continue;
    }
    const ms = performance.now() - t0;
    result.slowestCaseMs = Math.max(result.slowestCaseMs, ms);
    result.cases++;
    if (report === TIMEOUT || ms > deadline) {
      keep(result.hangs, { ...base, reason: `no result within ${deadline} ms` });
      continue;
    }
    const bad = checkReport(report, bytes.length);
    if (bad) {
      keep(result.crashes, { ...base, reason: bad });
      continue;
    }
    result.verdicts[report.verdict]++;
    for (const code of new Set(report.findings.map((f) => f.code)))
      result.findingCodes[code] = (result.findingCodes[code] ?? 0) + 1;
    let mismatch: string | undefined;
    try {
      mismatch = await agreement(bytes, report);
    } catch (e) {
      mismatch = `agreement check threw ${(e as Error).message}`;
    }
    if (mismatch) keep(result.mismatches, { ...base, reason: mismatch });
    else result.expectedMet++;
    if (i % 16 === 0) result.peakRssBytes = Math.max(result.peakRssBytes, process.memoryUsage().rss);
  }
  result.peakRssBytes = Math.max(result.peakRssBytes, process.memoryUsage().rss);
  result.rssGrowthBytes = result.peakRssBytes - rss0;
  result.elapsedMs = performance.now() - start;
  return result;
}
