/**
 * From records to what the leaderboard shows. The metric names read here are the contract with the suites
 * (packages/site/README.md lists them); anything a suite has not produced yet is `undefined` and renders '—'.
 */
import { listSpecs, type ResolvedSpec } from '@qbench/core';
import { numericValue, type ResultsFile, type StoredRecord } from '@qbench/spec';
import { interval95, upper95 } from './binomial.ts';
import { DATASET, kernelOp, METRIC, RATIO_OPS, REFERENCE_BACKEND, SUITE, WASM_BACKEND } from './metrics.ts';

/** Rate–distortion slope: each bit of a uniform scalar quantizer buys 20·log10(2) ≈ 6.02 dB of SQNR. */
export const DB_PER_BIT = 20 * Math.log10(2);

export type Status = 'pass' | 'fail' | 'skip';

export interface Conformance {
  status: Status | undefined;
  pass: number;
  fail: number;
  skip: number;
  /** Error records (a measurement that could not be made counts as a failure). */
  errors: number;
  /** Metrics (with dataset) that failed or errored, e.g. 'nmse_within_tolerance/student_t'. */
  failed: string[];
}

export interface FormatRow {
  id: string;
  family: string;
  spec: ResolvedSpec | undefined;
  bitsPerWeight: number | undefined;
  conformance: Conformance;
  /** Per kernel (e.g. 'reference', 'q4_0/decode/wasm-simd128'). */
  kernels: Map<string, Conformance & { backend: string }>;
  sqnrGaussianDb: number | undefined;
  /** 6.02·bits/weight − SQNR on N(0,1): how far from the rate–distortion bound, in dB. */
  gapToBoundDb: number | undefined;
  kl: number | undefined;
  /** Best throughput (GB/s) per backend. */
  throughput: Map<string, number>;
  /** Backends with throughput records for this format but no figure: the reason (a skip or an error). */
  throughputSkips: Map<string, string>;
  /** The wasm backend's GB/s over native ggml's for one op (decode preferred), or why there is none. */
  wasmNativeRatio: { op: string; value: number } | { op: string; reason: string } | undefined;
  records: StoredRecord[];
}

/** One (format, detector / attack) point: its rates and, where the records carry them, counts and intervals. */
export interface DetectorPoint {
  format: string;
  label: string;
  tpr: number;
  fpr: number;
  /** Attacked pairs flagged / attacked pairs, from the tpr record's details. */
  tp: number | undefined;
  positives: number | undefined;
  /** Benign pairs flagged / benign pairs, from the tpr record's details. */
  fp: number | undefined;
  negatives: number | undefined;
  /** Two-sided 95% Clopper–Pearson interval of the TPR (undefined without counts). */
  tprInterval: { lo: number; hi: number } | undefined;
  /** One-sided 95% upper bound of the FPR: the suite's fpr_upper95 record, else Clopper–Pearson from counts. */
  fprUpper95: number | undefined;
}

export interface SiteModel {
  rows: FormatRow[];
  backends: string[];
  /** memcpy_gbps per backend: the memory-bandwidth line of the throughput plots. */
  memcpy: Map<string, number>;
  /** Backends that contributed no kernel on the machine that ran (the round-trip suite's skip), with why. */
  unavailableBackends: Map<string, string>;
  detectors: DetectorPoint[];
  records: StoredRecord[];
  results: ResultsFile;
}

export function emptyConformance(): Conformance {
  return { status: undefined, pass: 0, fail: 0, skip: 0, errors: 0, failed: [] };
}

function tally(c: Conformance, r: StoredRecord): void {
  if (r.error !== undefined) c.errors++;
  else if (r.value === 'pass') c.pass++;
  else if (r.value === 'fail') c.fail++;
  if (r.error !== undefined || r.value === 'fail') c.failed.push(`${r.metric}/${r.dataset}`);
  else if (r.value === 'skip') c.skip++;
  c.status = c.fail + c.errors > 0 ? 'fail' : c.pass > 0 ? 'pass' : c.skip > 0 ? 'skip' : undefined;
}

/** Conformance comes from the round-trip suite's verdicts (unit 'verdict') and its error records. */
function isConformanceRecord(r: StoredRecord): boolean {
  return r.suite === SUITE.roundtrip && (r.unit === 'verdict' || r.error !== undefined);
}

export function num(r: StoredRecord | undefined): number | undefined {
  if (!r || r.error !== undefined) return undefined;
  const v = numericValue(r.value);
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

/** First record matching, preferring reference kernels (the defined value of a format). */
export function pick(records: StoredRecord[], pred: (r: StoredRecord) => boolean): StoredRecord | undefined {
  const hits = records.filter((r) => pred(r) && r.error === undefined);
  return hits.find((r) => r.backend === REFERENCE_BACKEND) ?? hits[0];
}

/**
 * The model-level KL a format is ranked by: a user's model (`model:<name>`), else the project's fixture, else
 * any. Every row must use the same dataset, so this never depends on the order the records come in (a merge
 * sorts them by item, and `accuracy/model-llama/…` sorts before `accuracy/model/…`).
 */
export function preferredKlRecord(records: StoredRecord[]): StoredRecord | undefined {
  const kls = records.filter((r) => r.metric === METRIC.klDivergence && r.error === undefined);
  const ranked = (pred: (r: StoredRecord) => boolean) => pick(kls, pred);
  return (
    ranked((r) => r.dataset.startsWith(`${DATASET.userModelPrefix}:`)) ??
    ranked((r) => r.dataset === DATASET.fixture) ??
    ranked(() => true)
  );
}

function reasonOf(r: StoredRecord): string {
  const d = r.details?.['reason'];
  return r.error ?? (typeof d === 'string' ? d : String(r.value));
}

/** The wasm backend's native_ratio of the first op in RATIO_OPS that has a value, else the first op's reason. */
function wasmNativeRatio(records: StoredRecord[]): FormatRow['wasmNativeRatio'] {
  const ratios = records.filter((r) => r.metric === METRIC.nativeRatio && r.backend === WASM_BACKEND);
  const byOp = (op: string) => ratios.filter((r) => kernelOp(r.kernel) === op);
  for (const op of RATIO_OPS) {
    const v = num(byOp(op)[0]);
    if (v !== undefined) return { op, value: v };
  }
  for (const op of RATIO_OPS) {
    const r = byOp(op)[0];
    if (r) return { op, reason: reasonOf(r) };
  }
  return undefined;
}

export function buildModel(results: ResultsFile): SiteModel {
  const byFormat = new Map<string, StoredRecord[]>();
  for (const r of results.records) {
    const list = byFormat.get(r.format) ?? [];
    list.push(r);
    byFormat.set(r.format, list);
  }
  const specs = new Map(listSpecs().map((s) => [s.id, s] as const));
  // Rows are the formats the results speak about: a filtered run shows its formats, not the whole registry.
  const ids = [...byFormat.keys()].filter((f) => f !== '-');
  const backends = new Set<string>();
  const memcpy = new Map<string, number>();
  const unavailableBackends = new Map<string, string>();
  for (const r of results.records) {
    const v = num(r);
    if (r.metric === METRIC.memcpyGbps && v !== undefined)
      memcpy.set(r.backend, Math.max(memcpy.get(r.backend) ?? 0, v));
    // A backend without kernels here (no wasm build, no WebGPU adapter) times nothing, so no throughput
    // record names it: without this its column would vanish instead of showing the skip.
    if (
      r.suite === SUITE.roundtrip &&
      r.format === '-' &&
      r.metric === METRIC.kernelConformance &&
      r.value === 'skip'
    ) {
      unavailableBackends.set(r.backend, reasonOf(r));
      backends.add(r.backend);
    }
  }
  const rows = ids.map((id): FormatRow => {
    const records = byFormat.get(id) ?? [];
    const spec = specs.get(id);
    const conformance = emptyConformance();
    const kernels = new Map<string, Conformance & { backend: string }>();
    for (const r of records.filter(isConformanceRecord)) {
      tally(conformance, r);
      const k = kernels.get(r.kernel) ?? { ...emptyConformance(), failed: [], backend: r.backend };
      tally(k, r);
      kernels.set(r.kernel, k);
    }
    const measuredBpw = num(pick(records, (r) => r.metric === METRIC.bitsPerWeight));
    const bitsPerWeight = spec?.derived.bitsPerWeight ?? measuredBpw;
    const sqnr =
      num(
        pick(
          records,
          (r) => r.suite === SUITE.accuracy && r.metric === METRIC.sqnrDb && r.dataset === DATASET.gaussian,
        ),
      ) ??
      num(
        pick(
          records,
          (r) => r.suite === SUITE.roundtrip && r.metric === METRIC.sqnrDb && r.dataset === DATASET.gaussian,
        ),
      );
    const reportedGap = num(
      pick(
        records,
        (r) =>
          r.suite === SUITE.accuracy && r.metric === METRIC.gapToBoundDb && r.dataset === DATASET.gaussian,
      ),
    );
    const gap =
      reportedGap ??
      (sqnr !== undefined && bitsPerWeight !== undefined && Number.isFinite(sqnr)
        ? DB_PER_BIT * bitsPerWeight - sqnr
        : undefined);
    const kl = num(preferredKlRecord(records));
    const throughput = new Map<string, number>();
    const throughputSkips = new Map<string, string>();
    for (const r of records) {
      if (r.metric !== METRIC.throughputGbps || r.backend === '-') continue;
      backends.add(r.backend);
      const v = num(r);
      if (v === undefined) {
        if (!throughputSkips.has(r.backend))
          throughputSkips.set(r.backend, `${kernelOp(r.kernel)}: ${reasonOf(r)}`);
        continue;
      }
      throughput.set(r.backend, Math.max(throughput.get(r.backend) ?? 0, v));
    }
    for (const b of throughput.keys()) throughputSkips.delete(b);
    return {
      id,
      family: spec?.family ?? '?',
      spec,
      bitsPerWeight,
      conformance,
      kernels,
      sqnrGaussianDb: sqnr,
      gapToBoundDb: gap,
      kl,
      throughput,
      throughputSkips,
      wasmNativeRatio: wasmNativeRatio(records),
      records,
    };
  });
  // family, then bits/weight, then id: variants of one family at equal rates sit side by side (mwq_r4 and
  // Double Rounding's dround_8_4, both nested-integer models of the mwq family)
  const bpw = (r: FormatRow) => r.bitsPerWeight ?? Number.POSITIVE_INFINITY;
  rows.sort((a, b) =>
    a.family < b.family
      ? -1
      : a.family > b.family
        ? 1
        : bpw(a) - bpw(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const detectors = detectorPoints(results.records);
  return {
    rows,
    backends: [...backends].sort(),
    memcpy,
    unavailableBackends,
    detectors,
    records: results.records,
    results,
  };
}

/**
 * tpr and fpr records that share format, kernel, backend and dataset form one detector point; the tpr
 * record's details (tp, positives, fp, negatives) and an fpr_upper95 record give its intervals.
 */
function detectorPoints(records: StoredRecord[]): SiteModel['detectors'] {
  interface Group {
    format: string;
    label: string;
    tpr?: number;
    fpr?: number;
    upper?: number;
    details?: Record<string, unknown>;
  }
  const groups = new Map<string, Group>();
  for (const r of records) {
    if (r.metric !== METRIC.tpr && r.metric !== METRIC.fpr && r.metric !== METRIC.fprUpper95) continue;
    const v = num(r);
    if (v === undefined) continue;
    const key = [r.suite, r.format, r.kernel, r.backend, r.dataset].join('\u0000');
    const g = groups.get(key) ?? {
      format: r.format,
      label: [r.kernel === '-' ? '' : r.kernel, r.dataset].filter(Boolean).join(' '),
    };
    if (r.metric === METRIC.fprUpper95) g.upper = v;
    else g[r.metric] = v;
    if (r.metric === METRIC.tpr && r.details) g.details = r.details;
    groups.set(key, g);
  }
  const count = (d: Record<string, unknown> | undefined, k: string) => {
    const v = d?.[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
  };
  const out: DetectorPoint[] = [];
  for (const g of groups.values()) {
    if (g.tpr === undefined || g.fpr === undefined) continue;
    const tp = count(g.details, 'tp');
    const positives = count(g.details, 'positives');
    const fp = count(g.details, 'fp');
    const negatives = count(g.details, 'negatives');
    out.push({
      format: g.format,
      label: g.label,
      tpr: g.tpr,
      fpr: g.fpr,
      tp,
      positives,
      fp,
      negatives,
      tprInterval: tp !== undefined && positives ? interval95(tp, positives) : undefined,
      fprUpper95: g.upper ?? (fp !== undefined && negatives ? upper95(fp, negatives) : undefined),
    });
  }
  return out;
}

/** Pareto frontier of (bits/weight, SQNR): no other format has fewer bits and at least as much SQNR. */
export function paretoFrontier<T extends { x: number; y: number }>(points: T[]): T[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const out: T[] = [];
  let best = Number.NEGATIVE_INFINITY;
  for (const p of sorted) {
    if (p.y > best) {
      out.push(p);
      best = p.y;
    }
  }
  return out;
}

export interface BatchSummary {
  batch: string;
  startedAt: string;
  commit: string;
  runs: number;
  records: number;
  pass: number;
  fail: number;
  /** SQNR on N(0,1) per format. */
  sqnr: Map<string, number>;
}

export function summariseBatch(batch: ResultsFile): BatchSummary {
  const m = buildModel(batch);
  const first = batch.runs[0]!;
  const sqnr = new Map<string, number>();
  let pass = 0;
  let fail = 0;
  for (const r of m.rows) {
    if (r.sqnrGaussianDb !== undefined && Number.isFinite(r.sqnrGaussianDb)) sqnr.set(r.id, r.sqnrGaussianDb);
    if (r.conformance.status === 'pass') pass++;
    if (r.conformance.status === 'fail') fail++;
  }
  return {
    batch: first.batch,
    startedAt: first.startedAt,
    commit: first.qbench.commit,
    runs: batch.runs.length,
    records: batch.records.length,
    pass,
    fail,
    sqnr,
  };
}
