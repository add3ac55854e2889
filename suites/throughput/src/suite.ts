/**
 * The throughput suite: for every format × op × backend whose kernel passes conformance here, elements/s
 * and GB/s (bytes read + written) on a 16Mi-element tensor (1Mi with options.quick), median of repeated runs
 * after warm-up, plus the machine's memory copy bandwidth measured in the same process so each figure is
 * also a fraction of that limit. Only kernels whose conformance verdict (computed once per run by
 * @qbench/kernels' runConformance and recorded by the round-trip suite) is a pass are timed; any other gets a
 * throughput record with no value and the reason. Where a baseline backend (native ggml, the home
 * implementation) has a kernel for the same format and op, every other backend's figure also gets
 * `native_ratio`: its GB/s over the baseline's, both timed in this process on the same tensor (the
 * baseline's timing is shared with its own item, measured once).
 */
import {
  type Format,
  imatrixDetails,
  type Kernel,
  type KernelOp,
  type KernelTraits,
  loadFormat,
} from '@qbench/core';
import {
  againstOwnCopy,
  BACKENDS,
  backendById,
  FULL_ELEMENTS,
  type KernelBackend,
  type KernelConformance,
  listKernels,
  loadableFormats,
  type Measurement,
  makeCase,
  measureKernel,
  type OwnCopyFigure,
  QUICK_ELEMENTS,
  runConformance,
  summarizeFailures,
  type ThroughputCase,
  timeRuns,
} from '@qbench/kernels';
import {
  METRIC,
  type ResultRecord,
  type RunContext,
  type Suite,
  type SuiteOptions,
  type WorkItem,
} from '@qbench/spec';

const SUITE = 'throughput';
const MEMCPY_ITEM = 'memcpy';
const LOAD_ITEM = 'load:';

/** What an item does: the copy yardstick, a format whose family fails to load, or one kernel. */
export type ThroughputPlan =
  | { kind: 'memcpy' }
  | { kind: 'load'; format: string }
  | { kind: 'kernel'; kernel: KernelTraits['id']; format: string; op: KernelOp; backend: string };

async function loadFailure(format: string): Promise<ResultRecord[]> {
  const { unloadable } = await loadableFormats([format]);
  const why = unloadable[0]?.reason;
  return [
    {
      suite: SUITE,
      format,
      kernel: '-',
      backend: '-',
      dataset: '-',
      metric: METRIC.load,
      value: null,
      unit: '-',
      ...(why === undefined ? { details: { note: 'loads now' } } : { error: why }),
    },
  ];
}

function elementsFor(options: SuiteOptions): number {
  return options.quick ? QUICK_ELEMENTS : FULL_ELEMENTS;
}

/** Each backend's copy yardstick once (backends that share one, like reference and external, share its record). */
async function memcpyRecords(options: SuiteOptions): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  const seen = new Set<string>();
  for (const backend of BACKENDS) {
    const y = backend.yardstick;
    if (seen.has(y.kernel)) continue;
    seen.add(y.kernel);
    const copy = await y.measure({ quick: options.quick === true });
    const base = {
      suite: SUITE,
      format: '-',
      kernel: y.kernel,
      backend: backend.id,
      metric: METRIC.memcpyGbps,
    };
    out.push(
      typeof copy === 'string'
        ? { ...base, dataset: '-', value: null, unit: 'GB/s', error: `skipped: ${copy}` }
        : {
            ...base,
            dataset: `${copy.bytes} B`,
            value: copy.deviceGBps ?? copy.wallGBps,
            unit: 'GB/s',
            details: {
              bytes: copy.bytes,
              accounting: 'read + written bytes per second',
              method: copy.method,
              ...copy.details,
            },
          },
    );
  }
  return out;
}

async function noteDevice(backend: KernelBackend, ctx: RunContext): Promise<void> {
  const d = await backend.device?.();
  if (d) ctx.setGpuAdapter(d);
}

/** A dot's activation quantization, timed on its own where the kernel does it apart from the product. */
interface ActivationRecord {
  metric: typeof METRIC.activationQuantizeNs;
  value: number;
  unit: 'ns';
  details: Record<string, unknown>;
}

type Timed =
  | {
      ok: true;
      m: Measurement;
      c: ThroughputCase;
      own: OwnCopyFigure;
      conf: KernelConformance;
      activation?: ActivationRecord;
    }
  | { ok: false; error: string };

/** One timing per kernel and run size per process: a baseline's figure serves its own item and every ratio. */
const timings = new Map<string, Promise<Timed>>();

function timeKernel(traits: KernelTraits, f: Format, options: SuiteOptions, ctx: RunContext): Promise<Timed> {
  const elements = elementsFor(options);
  const key = `${traits.id} ${elements}`;
  let t = timings.get(key);
  if (!t) {
    t = timeKernelOnce(traits, f, options, ctx, elements);
    timings.set(key, t);
  }
  return t;
}

async function timeKernelOnce(
  traits: KernelTraits,
  f: Format,
  options: SuiteOptions,
  ctx: RunContext,
  elements: number,
): Promise<Timed> {
  // the run's one verdict for this kernel (the round-trip suite records it); only a pass is timed
  let conf: KernelConformance;
  try {
    conf = await runConformance(traits, f, { quick: options.quick === true });
  } catch (e) {
    return {
      ok: false,
      error: `skipped: not timed, conformance could not run: ${e instanceof Error ? e.message : String(e)}`,
    };
  }
  if (!conf.ok) {
    const why = conf.error ?? conf.skipped ?? summarizeFailures(conf).slice(0, 3).join('; ');
    return {
      ok: false,
      error: `skipped: not timed, conformance ${conf.skipped ? 'skipped' : 'failed'}: ${why}`,
    };
  }
  const backend = backendById(traits.backend);
  await noteDevice(backend, ctx);
  ctx.log(`${traits.id}: conformance passed, timing ${elements} elements`);
  let c: ThroughputCase;
  let kernel: Kernel | undefined;
  let m: Measurement;
  let activation: ActivationRecord | undefined;
  try {
    c = makeCase(f, traits.op, elements);
    kernel = await traits.load();
    m = await measureKernel(kernel, c);
    activation = await timeActivation(kernel, c);
  } catch (e) {
    // a failed measurement is a record, never a crash of the run
    return { ok: false, error: `measurement failed: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    kernel?.dispose?.();
  }
  const copy = await backend.yardstick.measure({ quick: options.quick === true });
  const own = againstOwnCopy(backend.yardstick, copy, m, c.elements);
  return { ok: true, m, c, conf, own, ...(activation ? { activation } : {}) };
}

/**
 * The activation's quantization of a dot whose kernel does it apart from the product (native ggml): not in
 * the dot's figure (ggml quantizes once per activation row and reuses it for every weight row), so it is
 * reported beside it. Kernels that quantize inside the call (qbench's wasm dots) have it in their figure.
 */
async function timeActivation(kernel: Kernel, c: ThroughputCase): Promise<ActivationRecord | undefined> {
  if (c.op !== 'dot' || !('prepareActivation' in kernel) || !kernel.prepareActivation) return undefined;
  const a = kernel.prepareActivation(c.y!);
  try {
    const t = await timeRuns(() => a.run(), {});
    return {
      metric: METRIC.activationQuantizeNs,
      value: t.medianNs,
      unit: 'ns',
      details: {
        what: a.describe,
        elements: c.y!.length,
        minNs: t.minNs,
        maxNs: t.maxNs,
        runs: t.runs,
        excludedFromDot: true,
      },
    };
  } finally {
    a.dispose();
  }
}

export const throughputSuite: Suite<ThroughputPlan> = {
  name: SUITE,
  summary:
    'kernel throughput (GB/s, elements/s, fraction of memory-copy bandwidth, ratio to native ggml) of every conforming kernel',
  async workItems(options) {
    const { kernels, unloadable } = await listKernels(options.formats ? { formats: options.formats } : {});
    const items: WorkItem<ThroughputPlan>[] = [
      { id: MEMCPY_ITEM, label: 'memory copy bandwidth', plan: { kind: 'memcpy' } },
    ];
    // a format whose family fails to load has no kernels to time: one record says so, with the error
    for (const u of unloadable)
      items.push({
        id: `${LOAD_ITEM}${u.format}`,
        label: `load ${u.format}`,
        format: u.format,
        plan: { kind: 'load', format: u.format },
      });
    for (const k of kernels)
      items.push({
        id: k.id,
        label: k.id,
        weight: backendById(k.backend).timingWeight,
        plan: { kind: 'kernel', kernel: k.id, format: k.format, op: k.op, backend: k.backend },
      });
    return items;
  },
  async runItem({ plan }, options, ctx: RunContext) {
    if (plan.kind === 'memcpy') return memcpyRecords(options);
    if (plan.kind === 'load') return loadFailure(plan.format);
    // the kernel's traits (its loader) are not data: this process's listing of the format on the kernel's own
    // backend and the baseline's (for native_ratio) has them; no other backend starts for this item
    const backends = [plan.backend, ...BACKENDS.filter((b) => b.baseline).map((b) => b.id)];
    const { kernels, unavailable } = await listKernels({ formats: [plan.format], backends });
    const traits = kernels.find((k) => k.id === plan.kernel);
    const elements = elementsFor(options);
    const base = {
      suite: SUITE,
      format: plan.format,
      kernel: plan.kernel,
      dataset: `gaussian σ=0.02, ${elements} elements`,
    };
    if (!traits) {
      const why =
        unavailable.map((u) => `${u.backend}: ${u.reason}`).join('; ') || 'kernel not available here';
      return [
        {
          ...base,
          backend: plan.backend,
          metric: METRIC.throughputGbps,
          value: null,
          unit: 'GB/s',
          error: `skipped: ${why}`,
        },
      ];
    }
    if (ctx.signal.aborted) return [];
    const f = await loadFormat(traits.format);
    const t = await timeKernel(traits, f, options, ctx);
    if (!t.ok)
      return [
        {
          ...base,
          backend: traits.backend,
          metric: METRIC.throughputGbps,
          value: null,
          unit: 'GB/s',
          error: t.error,
        },
      ];
    const { m, c, own, conf } = t;
    const details = {
      elements: c.elements,
      rows: c.rows,
      bytesRead: c.bytesRead,
      bytesWritten: c.bytesWritten,
      medianNs: m.timing.medianNs,
      minNs: m.timing.minNs,
      maxNs: m.timing.maxNs,
      runs: m.timing.runs,
      timed: m.prepared ? 'kernel only (inputs staged)' : 'whole calls',
      ...(m.deviceMedianNs === undefined ? {} : { deviceMedianNs: m.deviceMedianNs }),
      timedBy: own.clock,
      ...(own.clock === 'wall clock' ? {} : { wallGBps: m.throughputGBps }),
      conformanceCases: conf.cases.length,
      // The reference encoded the timed tensor (decode, dot) under the suites' imatrix policy.
      ...(c.op === 'encode' ? {} : imatrixDetails(f)),
    };
    const records: ResultRecord[] = [
      {
        ...base,
        backend: traits.backend,
        metric: METRIC.throughputGbps,
        value: own.gbps,
        unit: 'GB/s',
        details,
      },
      {
        ...base,
        backend: traits.backend,
        metric: METRIC.elementsPerS,
        value: own.elementsPerSecond,
        unit: 'elements/s',
      },
    ];
    if (own.copyGBps !== undefined) {
      records.push({
        ...base,
        backend: traits.backend,
        metric: METRIC.fractionOfMemcpy,
        value: own.gbps / own.copyGBps,
        unit: 'ratio',
        details: { memcpyGBps: own.copyGBps, of: own.against },
      });
    }
    records.push(...(await nativeRatio(traits, kernels, f, options, ctx, own, base)));
    if (t.activation) records.push({ ...base, backend: traits.backend, ...t.activation });
    return records;
  },
};

/**
 * The figure over the baseline backend's (native ggml) for the same format and op, both timed in this
 * process on the same tensor. None for the baseline itself or a format it does not cover; a record with the
 * reason where it covers the format but has no such kernel here (or none at all on this platform) or was not
 * timed.
 */
async function nativeRatio(
  traits: KernelTraits,
  kernels: readonly KernelTraits[],
  f: Format,
  options: SuiteOptions,
  ctx: RunContext,
  own: OwnCopyFigure,
  base: { suite: string; format: string; kernel: string; dataset: string },
): Promise<ResultRecord[]> {
  const baseline = BACKENDS.find((b) => b.baseline);
  if (!baseline || backendById(traits.backend).baseline) return [];
  // a format the baseline is not meant to implement (not a ggml type) has no ratio at all, not a skipped one
  if (baseline.covers && !baseline.covers(f)) return [];
  const record = { ...base, backend: traits.backend, metric: METRIC.nativeRatio, unit: 'ratio' };
  const other = kernels.find(
    (k) => k.backend === baseline.id && k.format === traits.format && k.op === traits.op,
  );
  if (!other) {
    const listed = await baseline.list([f]);
    const why =
      'unavailable' in listed
        ? listed.unavailable
        : `${baseline.id} has no ${traits.format} ${traits.op} kernel`;
    return [{ ...record, value: null, error: `skipped: ${why}` }];
  }
  const b = await timeKernel(other, f, options, ctx);
  if (!b.ok) return [{ ...record, value: null, error: `skipped: ${other.id}: ${b.error}` }];
  return [
    {
      ...record,
      value: own.gbps / b.own.gbps,
      details: {
        of: other.id,
        nativeGBps: b.own.gbps,
        gbps: own.gbps,
        clock: own.clock,
        nativeClock: b.own.clock,
      },
    },
  ];
}
