/**
 * The throughput suite: for every format × op × backend whose kernel passes conformance here, elements/s
 * and GB/s (bytes read + written) on a 16Mi-element tensor (1Mi with options.quick), median of repeated runs
 * after warm-up, plus the machine's memory copy bandwidth measured in the same process so each figure is
 * also a fraction of that limit. Only kernels whose conformance verdict (computed once per run by
 * @qbench/kernels' runConformance and recorded by the round-trip suite) is a pass are timed; any other gets a
 * throughput record with no value and the reason.
 */
import { type Kernel, loadFormat } from '@qbench/core';
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
  QUICK_ELEMENTS,
  runConformance,
  summarizeFailures,
  type ThroughputCase,
} from '@qbench/kernels';
import type { ResultRecord, RunContext, Suite, SuiteOptions, WorkItem } from '@qbench/spec';

const SUITE = 'throughput';
const MEMCPY_ITEM = 'memcpy';
const LOAD_ITEM = 'load:';

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
      metric: 'load',
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
    const base = { suite: SUITE, format: '-', kernel: y.kernel, backend: backend.id, metric: 'memcpy_gbps' };
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

export const throughputSuite: Suite = {
  name: SUITE,
  summary:
    'kernel throughput (GB/s, elements/s, fraction of memory-copy bandwidth) of every conforming kernel',
  async workItems(options) {
    const { kernels, unloadable } = await listKernels(options.formats ? { formats: options.formats } : {});
    const items: WorkItem[] = [{ id: MEMCPY_ITEM, label: 'memory copy bandwidth' }];
    // a format whose family fails to load has no kernels to time: one record says so, with the error
    for (const u of unloadable)
      items.push({ id: `${LOAD_ITEM}${u.format}`, label: `load ${u.format}`, format: u.format });
    for (const k of kernels)
      items.push({ id: k.id, label: k.id, weight: backendById(k.backend).timingWeight });
    return items;
  },
  async runItem(item, options, ctx: RunContext) {
    if (item.id === MEMCPY_ITEM) return memcpyRecords(options);
    if (item.id.startsWith(LOAD_ITEM)) return loadFailure(item.id.slice(LOAD_ITEM.length));
    const [format, op] = item.id.split('/');
    const { kernels, unavailable } = await listKernels({ formats: [format!] });
    const traits = kernels.find((k) => k.id === item.id);
    const elements = elementsFor(options);
    const base = {
      suite: SUITE,
      format: format!,
      kernel: item.id,
      dataset: `gaussian σ=0.02, ${elements} elements`,
    };
    if (!traits) {
      const why =
        unavailable.map((u) => `${u.backend}: ${u.reason}`).join('; ') || 'kernel not available here';
      return [
        {
          ...base,
          backend: item.id.split('/')[2] ?? '-',
          metric: 'throughput_gbps',
          value: null,
          unit: 'GB/s',
          error: `skipped: ${why}`,
        },
      ];
    }
    const f = await loadFormat(traits.format);
    // the run's one verdict for this kernel (the round-trip suite records it); only a pass is timed
    const notTimed = (why: string): ResultRecord[] => [
      {
        ...base,
        backend: traits.backend,
        metric: 'throughput_gbps',
        value: null,
        unit: 'GB/s',
        error: `skipped: not timed, ${why}`,
      },
    ];
    let conf: KernelConformance;
    try {
      conf = await runConformance(traits, f, { quick: options.quick === true });
    } catch (e) {
      return notTimed(`conformance could not run: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!conf.ok) {
      const why = conf.error ?? conf.skipped ?? summarizeFailures(conf).slice(0, 3).join('; ');
      return notTimed(`conformance ${conf.skipped ? 'skipped' : 'failed'}: ${why}`);
    }
    const backend = backendById(traits.backend);
    await noteDevice(backend, ctx);
    if (ctx.signal.aborted) return [];
    ctx.log(`${item.id}: conformance passed, timing ${elements} elements`);
    let c: ThroughputCase;
    let kernel: Kernel;
    let m: Measurement;
    try {
      c = makeCase(f, op === 'dot' ? 'dot' : 'decode', elements);
      kernel = await traits.load();
      m = await measureKernel(kernel, c);
    } catch (e) {
      // a failed measurement is a record, never a crash of the run
      const message = e instanceof Error ? e.message : String(e);
      return [
        {
          ...base,
          backend: traits.backend,
          metric: 'throughput_gbps',
          value: null,
          unit: 'GB/s',
          error: `measurement failed: ${message}`,
        },
      ];
    }
    const copy = await backend.yardstick.measure({ quick: options.quick === true });
    const own = againstOwnCopy(backend.yardstick, copy, m, c.elements);
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
    };
    const records: ResultRecord[] = [
      {
        ...base,
        backend: traits.backend,
        metric: 'throughput_gbps',
        value: own.gbps,
        unit: 'GB/s',
        details,
      },
      {
        ...base,
        backend: traits.backend,
        metric: 'elements_per_s',
        value: own.elementsPerSecond,
        unit: 'elements/s',
      },
    ];
    if (own.copyGBps !== undefined) {
      records.push({
        ...base,
        backend: traits.backend,
        metric: 'fraction_of_memcpy',
        value: own.gbps / own.copyGBps,
        unit: 'ratio',
        details: { memcpyGBps: own.copyGBps, of: own.against },
      });
    }
    kernel.dispose?.();
    return records;
  },
};
