/**
 * The throughput suite: for every format × op × backend whose kernel passes conformance here, elements/s
 * and GB/s (bytes read + written) on a 16Mi-element tensor (1Mi with options.quick), median of repeated runs
 * after warm-up, plus the machine's memory copy bandwidth measured in the same process so each figure is
 * also a fraction of that limit. Every kernel first gets a conformance verdict record (metric 'conformance',
 * unit 'verdict': pass / fail / skip); one that does not pass is not timed.
 */
import { type Kernel, loadFormat } from '@qbench/core';
import {
  againstOwnCopy,
  conformKernel,
  deviceBandwidth,
  FULL_ELEMENTS,
  type KernelConformance,
  listKernels,
  type Measurement,
  machineInfo,
  makeCase,
  measureKernel,
  memoryBandwidth,
  QUICK_DEVICE_COPY_BYTES,
  QUICK_ELEMENTS,
  summarizeFailures,
  type ThroughputCase,
} from '@qbench/kernels';
import { adapterName, getGpu } from '@qbench/runtime-webgpu';
import type { ResultRecord, RunContext, Suite, SuiteOptions, WorkItem } from '@qbench/spec';

const SUITE = 'throughput';
const MEMCPY_ITEM = 'memcpy';

function elementsFor(options: SuiteOptions): number {
  return options.quick ? QUICK_ELEMENTS : FULL_ELEMENTS;
}

async function memcpyRecords(options: SuiteOptions): Promise<ResultRecord[]> {
  const bw = await memoryBandwidth();
  const details = { bytes: bw.bytes, accounting: 'read + written bytes per second', machine: machineInfo() };
  const out: ResultRecord[] = [
    {
      suite: SUITE,
      format: '-',
      kernel: 'memcpy/typed-array',
      backend: 'reference',
      dataset: `${bw.bytes} B`,
      metric: 'memcpy_gbps',
      value: bw.typedArrayCopyGBps,
      unit: 'GB/s',
      details: { ...details, method: 'Float32Array.prototype.set' },
    },
  ];
  out.push(
    bw.wasmMemoryCopyGBps === undefined
      ? {
          suite: SUITE,
          format: '-',
          kernel: 'memcpy/wasm',
          backend: 'wasm-simd128',
          dataset: `${bw.bytes} B`,
          metric: 'memcpy_gbps',
          value: null,
          unit: 'GB/s',
          error: 'wasm module not built',
        }
      : {
          suite: SUITE,
          format: '-',
          kernel: 'memcpy/wasm',
          backend: 'wasm-simd128',
          dataset: `${bw.bytes} B`,
          metric: 'memcpy_gbps',
          value: bw.wasmMemoryCopyGBps,
          unit: 'GB/s',
          details: { ...details, method: 'wasm memory.copy' },
        },
  );
  const gpu = await deviceBandwidth(options.quick ? QUICK_DEVICE_COPY_BYTES : undefined);
  // no adapter: no line to draw, and the webgpu kernels say why they were skipped
  if (typeof gpu !== 'string')
    out.push({
      suite: SUITE,
      format: '-',
      kernel: 'memcpy/webgpu',
      backend: 'webgpu',
      dataset: `${gpu.bytes} B`,
      metric: 'memcpy_gbps',
      value: gpu.deviceGBps ?? gpu.wallGBps,
      unit: 'GB/s',
      details: {
        ...details,
        bytes: gpu.bytes,
        method: 'WGSL compute-shader copy between two storage buffers (wgsl/device-copy.wgsl)',
        timedBy: gpu.deviceGBps === undefined ? 'wall clock' : 'gpu timestamps',
        wallGBps: gpu.wallGBps,
        adapter: gpu.adapter,
      },
    });
  return out;
}

export const throughputSuite: Suite = {
  name: SUITE,
  summary:
    'kernel throughput (GB/s, elements/s, fraction of memory-copy bandwidth) of every conforming kernel',
  async workItems(options) {
    const { kernels } = await listKernels(options.formats ? { formats: options.formats } : {});
    const items: WorkItem[] = [{ id: MEMCPY_ITEM, label: 'memory copy bandwidth' }];
    for (const k of kernels)
      items.push({ id: k.id, label: k.id, weight: k.backend === 'reference' ? 10 : 1 });
    return items;
  },
  async runItem(item, options, ctx: RunContext) {
    if (item.id === MEMCPY_ITEM) return memcpyRecords(options);
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
    let conf: KernelConformance;
    try {
      conf = await conformKernel(traits, f, { maxBlocks: options.quick ? 33 : 257 });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return [
        {
          ...base,
          backend: traits.backend,
          dataset: 'conformance cases',
          metric: 'conformance',
          value: 'fail',
          unit: 'verdict',
          error: `conformance could not run: ${message}`,
        },
      ];
    }
    const verdict = {
      ...base,
      backend: traits.backend,
      dataset: 'conformance cases',
      metric: 'conformance',
      unit: 'verdict',
    };
    if (!conf.ok) {
      const why = conf.error ?? conf.skipped ?? summarizeFailures(conf).slice(0, 3).join('; ');
      // not timed: only kernels that pass conformance are
      return [
        {
          ...verdict,
          value: conf.skipped ? 'skip' : 'fail',
          details: { reason: why },
          ...(conf.error ? { error: conf.error } : {}),
        },
      ];
    }
    if (traits.backend === 'webgpu') {
      const g = await getGpu();
      if (g.ok) ctx.setGpuAdapter(adapterName(g.gpu));
    }
    if (ctx.signal.aborted) return [];
    ctx.log(`${item.id}: conformance passed, timing ${elements} elements`);
    const bw = await memoryBandwidth();
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
    const gpu =
      traits.backend === 'webgpu'
        ? await deviceBandwidth(options.quick ? QUICK_DEVICE_COPY_BYTES : undefined)
        : undefined;
    const own = againstOwnCopy(traits.backend, m, c.elements, bw, gpu);
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
      ...(gpu === undefined ? {} : { timedBy: own.clock, wallGBps: m.throughputGBps }),
      memcpyGBps: bw.typedArrayCopyGBps,
      wasmMemcpyGBps: bw.wasmMemoryCopyGBps,
      conformanceCases: conf.cases.length,
      machine: machineInfo(),
    };
    const records: ResultRecord[] = [
      { ...verdict, value: 'pass', details: { cases: conf.cases.length } },
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
