/**
 * The throughput suite's contract with `qbench run`: work items (memcpy + one per kernel), and the records
 * an item yields. Shapes and invariants only: no assertion here depends on how fast anything is.
 */
import { nativeGgml } from '@qbench/ggml-native';
import { getGpu } from '@qbench/runtime-webgpu';
import type { RunContext } from '@qbench/spec';
import { describe, expect, it } from 'vitest';
import suite from './index.ts';

const gpu = await getGpu();
const noGpu = gpu.ok ? undefined : gpu.reason;
const native = nativeGgml();
const noNative = native.ok ? undefined : native.reason;

const adapters: string[] = [];
const ctx: RunContext = {
  log: () => {},
  signal: new AbortController().signal,
  setGpuAdapter: (d) => adapters.push(d),
};
const options = { formats: ['q8_0'], quick: true };
/** An item as the runner gets it: from workItems, with its plan. */
const item = async (id: string) => {
  const found = (await suite.workItems(options)).find((i) => i.id === id);
  if (!found) throw new Error(`no work item '${id}'`);
  return found;
};

describe('throughput suite', () => {
  it('lists the memcpy item and one item per kernel of the selected formats', async () => {
    const items = await suite.workItems(options);
    const ids = items.map((i) => i.id);
    expect(ids[0]).toBe('memcpy');
    expect(ids).toEqual(
      expect.arrayContaining(['q8_0/decode/reference', 'q8_0/decode/wasm-simd128', 'q8_0/dot/reference']),
    );
    expect(ids.every((id) => id === 'memcpy' || id.startsWith('q8_0/'))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // plans are plain data (sharding and --resume recompute items from the options) and name their kernel
    expect(JSON.parse(JSON.stringify(items))).toEqual(items);
    for (const i of items)
      if (i.plan.kind === 'kernel') expect(`${i.plan.format}/${i.plan.op}/${i.plan.backend}`).toBe(i.id);
  });

  it('memcpy yields one record per distinct backend yardstick: typed-array, wasm, GPU and native copy bandwidth', async () => {
    const records = await suite.runItem(await item('memcpy'), options, ctx);
    expect(records.map((r) => `${r.kernel} ${r.backend} ${r.metric} ${r.unit}`)).toEqual([
      'memcpy/typed-array reference memcpy_gbps GB/s',
      'memcpy/wasm wasm-simd128 memcpy_gbps GB/s',
      'memcpy/webgpu webgpu memcpy_gbps GB/s',
      'memcpy/native ggml-native memcpy_gbps GB/s',
    ]);
    // native ggml works in host memory: its line is the host copy, measured once
    const host = records.find((r) => r.backend === 'reference')!;
    expect(records.find((r) => r.backend === 'ggml-native')!.value).toBe(host.value);
    for (const r of records) {
      // without an adapter the GPU yardstick is a visible skip with the reason, not a missing line
      if (r.backend === 'webgpu' && noGpu)
        expect(r).toMatchObject({ value: null, error: `skipped: ${noGpu}` });
      else expect(typeof r.value === 'number' && r.value > 0).toBe(true);
    }
    const g = records.find((r) => r.backend === 'webgpu');
    if (g) {
      const d = g.details!;
      // read + written bytes over the copy's time: device time where timestamps exist, else wall time
      expect(d['bytes']).toBe(32 * 1024 * 1024);
      expect(d['timedBy']).toBe(gpu.ok && gpu.gpu.timestamps ? 'gpu timestamps' : 'wall clock');
      if (d['timedBy'] === 'wall clock') expect(g.value).toBe(d['wallGBps']);
    }
  });

  it.skipIf(noGpu !== undefined)(
    `a webgpu kernel is set against the GPU's own copy bandwidth, on the same clock${noGpu ? ` (skipped: ${noGpu})` : ''}`,
    async () => {
      const [copy] = (await suite.runItem(await item('memcpy'), options, ctx)).filter(
        (r) => r.backend === 'webgpu',
      );
      const records = await suite.runItem(await item('q8_0/decode/webgpu'), options, ctx);
      const byMetric = Object.fromEntries(records.map((r) => [r.metric, r]));
      const t = byMetric['throughput_gbps']!;
      const d = t.details!;
      const bytes = (d['bytesRead'] as number) + (d['bytesWritten'] as number);
      const onDevice = d['timedBy'] === 'gpu timestamps';
      expect(d['timedBy']).toBe(copy!.details!['timedBy']);
      expect(t.value).toBeCloseTo(bytes / ((onDevice ? d['deviceMedianNs'] : d['medianNs']) as number), 9);
      expect(byMetric['fraction_of_memcpy']!.details).toMatchObject({
        of: 'memcpy/webgpu',
        memcpyGBps: copy!.value,
      });
      expect(byMetric['fraction_of_memcpy']!.value).toBeCloseTo(
        (t.value as number) / (copy!.value as number),
        9,
      );
    },
  );

  it('a conforming kernel yields GB/s, elements/s and its fraction of memcpy, with the accounting in details', async () => {
    const records = await suite.runItem(await item('q8_0/decode/wasm-simd128'), options, ctx);
    const byMetric = Object.fromEntries(records.map((r) => [r.metric, r]));
    expect(Object.keys(byMetric).sort()).toEqual([
      'elements_per_s',
      'fraction_of_memcpy',
      'native_ratio',
      'throughput_gbps',
    ]);
    // without native ggml the ratio is a record with the reason, never absent or a made-up number
    if (noNative !== undefined) expect(byMetric['native_ratio']!).toMatchObject({ value: null });
    const t = byMetric['throughput_gbps']!;
    // timed because the run's conformance verdict passed, on this many cases
    expect(t.details!['conformanceCases']).toBeGreaterThan(0);
    expect(t).toMatchObject({
      suite: 'throughput',
      format: 'q8_0',
      kernel: 'q8_0/decode/wasm-simd128',
      backend: 'wasm-simd128',
      unit: 'GB/s',
    });
    const d = t.details!;
    expect(d['bytesRead']).toBe(((d['elements'] as number) / 32) * 34);
    expect(d['bytesWritten']).toBe((d['elements'] as number) * 4);
    expect(d['timed']).toBe('kernel only (inputs staged)');
    // GB/s is bytes / median ns, by construction
    expect(t.value).toBeCloseTo(
      ((d['bytesRead'] as number) + (d['bytesWritten'] as number)) / (d['medianNs'] as number),
      9,
    );
    expect(byMetric['fraction_of_memcpy']!.value).toBeCloseTo(
      (t.value as number) / (byMetric['fraction_of_memcpy']!.details!['memcpyGBps'] as number),
      9,
    );
  });

  it.skipIf(noNative !== undefined)(
    `a wasm figure carries its ratio to native ggml's, timed in the same process on the same tensor${noNative ? ` (skipped: ${noNative})` : ''}`,
    async () => {
      const w = await suite.runItem(await item('q8_0/dot/wasm-simd128'), options, ctx);
      const n = await suite.runItem(await item('q8_0/dot/ggml-native'), options, ctx);
      const byMetric = (rs: typeof w) => Object.fromEntries(rs.map((r) => [r.metric, r]));
      const wm = byMetric(w);
      const nm = byMetric(n);
      // the baseline itself has no ratio; its figure is the one the wasm ratio was computed from (timed once)
      expect(nm['native_ratio']).toBeUndefined();
      // ggml quantizes the activation once per row, apart from the product: reported beside the dot, not in it
      expect(nm['activation_quantize_ns']).toMatchObject({
        unit: 'ns',
        details: {
          elements: 4096,
          excludedFromDot: true,
          what: expect.stringMatching(/^4096 activations to q8_0 \(ggml CPU from_float/),
        },
      });
      expect(nm['activation_quantize_ns']!.value).toBeGreaterThan(0);
      expect(nm['throughput_gbps']!.details!['timed']).toBe('kernel only (inputs staged)');
      const r = wm['native_ratio']!;
      expect(r).toMatchObject({
        backend: 'wasm-simd128',
        unit: 'ratio',
        details: { of: 'q8_0/dot/ggml-native' },
      });
      expect(r.details!['nativeGBps']).toBe(nm['throughput_gbps']!.value);
      expect(r.value).toBeCloseTo(
        (wm['throughput_gbps']!.value as number) / (nm['throughput_gbps']!.value as number),
        9,
      );
    },
  );

  it('a format that fails to load is one error record with the reason, not a silent gap', async () => {
    const items = await suite.workItems({ formats: ['not_a_format'], quick: true });
    const load = items.find((i) => i.id === 'load:not_a_format');
    expect(load).toBeDefined();
    const records = await suite.runItem(load!, options, ctx);
    expect(records).toEqual([
      expect.objectContaining({
        format: 'not_a_format',
        metric: 'load',
        value: null,
        error: expect.stringMatching(/not_a_format/),
      }),
    ]);
  });

  it('an item whose kernel does not exist here is an error record, not a crash', async () => {
    const id = 'q8_0/decode/no-such-backend';
    const plan = {
      kind: 'kernel',
      kernel: id,
      format: 'q8_0',
      op: 'decode',
      backend: 'no-such-backend',
    } as const;
    const records = await suite.runItem({ id, label: '', plan }, options, ctx);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ value: null, metric: 'throughput_gbps' });
    expect(records[0]!.error).toMatch(/^skipped: /);
  });
});
