/**
 * One format's records shaped into what its page plots: SQNR per source with the Gaussian bound and the
 * Lloyd–Max line, the per-element error quantiles per source, the layer-level output-error percentiles,
 * throughput per backend and op (with each backend's copy bandwidth and the native-ggml ratio where a native
 * backend was measured), and the model-level statistics with what produced them. The same shapes feed the
 * comparison page's embedded data, so both pages show the same numbers.
 */
import type { MetricName, StoredRecord } from '@qbench/spec';
import {
  DATASET,
  ELEMENT_ERROR_QUANTILES,
  isNativeGgmlBackend,
  kernelOp,
  LAYER_ERROR_PERCENTILES,
  METRIC,
  REFERENCE_BACKEND,
  SOURCE_ORDER,
  SUITE,
} from './metrics.ts';
import { DB_PER_BIT, type FormatRow, num, preferredKlRecord, type SiteModel } from './model.ts';

export interface SourceValue {
  source: string;
  value: number;
}
export interface QuantileValue {
  source: string;
  /** 'p50', 'p90', … as labelled in metrics.ts. */
  quantile: string;
  value: number;
}
export interface ThroughputBar {
  backend: string;
  op: string;
  kernel: string;
  gbps: number;
  /** The run-to-run spread of this measurement (GB/s at median ± (median − fastest) repeat time), where recorded. */
  range: { lo: number; hi: number } | undefined;
  /** This backend's memory-copy bandwidth measured in the same run. */
  copyGbps: number | undefined;
  /** gbps / native ggml's gbps for the same op, where a native backend was measured (not on itself). */
  vsNative: number | undefined;
}
export interface ModelLevel {
  dataset: string;
  /** The fixture or the user's model: its name as recorded. */
  model: string;
  isFixture: boolean;
  engine: string | undefined;
  evalText: string | undefined;
  positions: number | undefined;
  kl: number | undefined;
  klP99: number | undefined;
  top1: number | undefined;
  /** Wilson 95% interval of top-1 agreement over `positions`, treating positions as independent. */
  top1Interval: { lo: number; hi: number } | undefined;
  rmsDeltaP: number | undefined;
  perplexityQ: number | undefined;
  perplexityFp: number | undefined;
  deltaPpl: number | undefined;
}
export interface FormatData {
  id: string;
  family: string;
  bitsPerWeight: number | undefined;
  sqnrBySource: SourceValue[];
  /** 6.02 dB × bits/weight: the Gaussian distortion-rate bound at this rate. */
  gaussianBoundDb: number | undefined;
  /** SQNR of the Lloyd–Max scalar quantizer for N(0,1) at this rate (the accuracy suite's yardstick). */
  lloydMaxDb: number | undefined;
  elementError: QuantileValue[];
  layerError: QuantileValue[];
  throughput: ThroughputBar[];
  nativeBackend: string | undefined;
  modelLevel: ModelLevel | undefined;
}

/** Accuracy-suite source order first (the suite's own order), then anything else alphabetically. */
export function sourceRank(a: string, b: string): number {
  const ia = SOURCE_ORDER.indexOf(a as (typeof SOURCE_ORDER)[number]);
  const ib = SOURCE_ORDER.indexOf(b as (typeof SOURCE_ORDER)[number]);
  if (ia !== ib) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A tensor-level accuracy record (a seeded source or a user's tensor), not a layer or model one. */
function isTensorLevel(r: StoredRecord): boolean {
  return (
    r.suite === SUITE.accuracy &&
    !r.dataset.startsWith(DATASET.layerPrefix) &&
    !r.dataset.startsWith(DATASET.userModelPrefix) &&
    r.dataset !== DATASET.fixture
  );
}

/** The reference backend's value per dataset for one metric (the defined value of a format). */
function perDataset(records: StoredRecord[], metric: MetricName, pred: (r: StoredRecord) => boolean) {
  const out = new Map<string, number>();
  for (const r of records) {
    if (r.metric !== metric || !pred(r)) continue;
    const v = num(r);
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!out.has(r.dataset) || r.backend === REFERENCE_BACKEND) out.set(r.dataset, v);
  }
  return out;
}

function quantiles(
  records: StoredRecord[],
  list: readonly { metric: MetricName; label: string }[],
  pred: (r: StoredRecord) => boolean,
  sourceOf: (dataset: string) => string,
): QuantileValue[] {
  const out: QuantileValue[] = [];
  for (const q of list)
    for (const [dataset, value] of perDataset(records, q.metric, pred))
      out.push({ source: sourceOf(dataset), quantile: q.label, value });
  const order = list.map((q) => q.label as string);
  return out.sort(
    (a, b) => sourceRank(a.source, b.source) || order.indexOf(a.quantile) - order.indexOf(b.quantile),
  );
}

/**
 * The run-to-run spread of a throughput figure from what the record carries (median, fastest and slowest
 * repeat time): the repeat times median ± (median − fastest), as GB/s. The slowest repeat is not used: on a
 * shared machine it is a GC pause or a descheduling (often 100× the median), not the kernel's spread.
 */
function spreadOf(r: StoredRecord, gbps: number): ThroughputBar['range'] {
  const d = r.details ?? {};
  const median = d['medianNs'];
  const min = d['minNs'];
  // GPU figures timed on the device clock: the wall-clock repeat times do not describe their spread.
  if (d['timedBy'] !== undefined && d['timedBy'] !== 'wall clock') return undefined;
  if (typeof median !== 'number' || typeof min !== 'number') return undefined;
  if (!(min > 0 && median >= min)) return undefined;
  return { lo: (gbps * median) / (2 * median - min), hi: (gbps * median) / min };
}

function throughputBars(records: StoredRecord[], memcpy: Map<string, number>): ThroughputBar[] {
  const best = new Map<string, { r: StoredRecord; v: number }>();
  for (const r of records) {
    const v = num(r);
    if (r.metric !== METRIC.throughputGbps || v === undefined || !Number.isFinite(v)) continue;
    const key = `${r.backend}\u0000${kernelOp(r.kernel)}`;
    if ((best.get(key)?.v ?? -1) < v) best.set(key, { r, v });
  }
  const bars = [...best.values()].map(
    ({ r, v }): ThroughputBar => ({
      backend: r.backend,
      op: kernelOp(r.kernel),
      kernel: r.kernel,
      gbps: v,
      range: spreadOf(r, v),
      copyGbps: memcpy.get(r.backend),
      vsNative: undefined,
    }),
  );
  const native = bars.filter((b) => isNativeGgmlBackend(b.backend));
  for (const b of bars) {
    if (isNativeGgmlBackend(b.backend)) continue;
    const n = native.find((x) => x.op === b.op);
    if (n && n.gbps > 0) b.vsNative = b.gbps / n.gbps;
  }
  return bars.sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : a.backend < b.backend ? -1 : 1));
}

/** Wilson score interval at 95% for k successes out of n. */
export function wilsonInterval(p: number, n: number): { lo: number; hi: number } {
  const z = 1.959964;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { lo: Math.max(0, centre - half), hi: Math.min(1, centre + half) };
}

function modelLevel(records: StoredRecord[]): ModelLevel | undefined {
  // A user's model (dataset 'model:<name>') wins over the project's fixture: the index's rule (model.ts).
  const klRec = preferredKlRecord(records);
  if (!klRec) return undefined;
  const same = (metric: MetricName) =>
    num(records.find((r) => r.metric === metric && r.dataset === klRec.dataset && r.error === undefined));
  const d = klRec.details ?? {};
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  const numD = (k: string) => (typeof d[k] === 'number' ? (d[k] as number) : undefined);
  const positions = numD('positions');
  const top1 = same(METRIC.top1Agreement);
  const pplQ = same(METRIC.perplexityQ);
  const pplFp = same(METRIC.perplexityFp);
  return {
    dataset: klRec.dataset,
    model: str('model') ?? klRec.dataset,
    isFixture: !klRec.dataset.startsWith(`${DATASET.userModelPrefix}:`),
    engine: str('engine'),
    evalText: str('eval_text'),
    positions,
    kl: num(klRec),
    klP99: numD('kl_p99'),
    top1,
    top1Interval:
      top1 !== undefined && positions !== undefined && positions > 0
        ? wilsonInterval(top1, positions)
        : undefined,
    rmsDeltaP: same(METRIC.rmsDeltaP),
    perplexityQ: pplQ,
    perplexityFp: pplFp,
    deltaPpl: pplQ !== undefined && pplFp !== undefined ? pplQ - pplFp : undefined,
  };
}

export function formatData(row: FormatRow, model: Pick<SiteModel, 'memcpy'>): FormatData {
  const records = row.records;
  const sqnr = perDataset(records, METRIC.sqnrDb, isTensorLevel);
  const sqnrBySource = [...sqnr]
    .map(([source, value]) => ({ source, value }))
    .sort((a, b) => sourceRank(a.source, b.source));
  const gaussianSqnr = sqnr.get(DATASET.gaussian);
  const gapLm = perDataset(records, METRIC.gapToLloydMaxDb, isTensorLevel).get(DATASET.gaussian);
  const gapBound = perDataset(records, METRIC.gapToBoundDb, isTensorLevel).get(DATASET.gaussian);
  const layerSource = (dataset: string) => dataset.slice(DATASET.layerPrefix.length);
  const throughput = throughputBars(records, model.memcpy);
  return {
    id: row.id,
    family: row.family,
    bitsPerWeight: row.bitsPerWeight,
    sqnrBySource,
    // The suite's own bound (at the rate it measured, side info included) where recorded, else the spec's.
    gaussianBoundDb:
      gaussianSqnr !== undefined && gapBound !== undefined
        ? gaussianSqnr + gapBound
        : row.bitsPerWeight !== undefined
          ? DB_PER_BIT * row.bitsPerWeight
          : undefined,
    lloydMaxDb: gaussianSqnr !== undefined && gapLm !== undefined ? gaussianSqnr + gapLm : undefined,
    elementError: quantiles(records, ELEMENT_ERROR_QUANTILES, isTensorLevel, (d) => d),
    layerError: quantiles(
      records,
      LAYER_ERROR_PERCENTILES,
      (r) => r.suite === SUITE.accuracy && r.dataset.startsWith(DATASET.layerPrefix),
      layerSource,
    ),
    throughput,
    nativeBackend: throughput.find((b) => isNativeGgmlBackend(b.backend))?.backend,
    modelLevel: modelLevel(records),
  };
}
