/**
 * The backend plugins: ids are unique, every kernel the registry lists belongs to a registered backend and
 * names it in its id, a kernel file goes to the one backend whose external form claims its ending, and a
 * throughput figure is set against its own backend's yardstick on the same clock.
 */
import { describe, expect, it } from 'vitest';
import { listKernels } from '../registry.ts';
import { againstOwnCopy, type Measurement } from '../throughput.ts';
import type { CopyYardstick } from './backend.ts';
import { BACKEND_IDS, BACKENDS, backendById, backendForFile } from './index.ts';

describe('backend plugins', () => {
  it('have unique ids, and exactly one is the oracle', () => {
    expect(new Set(BACKEND_IDS).size).toBe(BACKENDS.length);
    expect(BACKENDS.filter((b) => b.oracle).map((b) => b.id)).toEqual(['reference']);
    expect(() => backendById('no-such-backend')).toThrow(/no kernel backend 'no-such-backend' \(there are: /);
  });

  it('every listed kernel is `format/op/backend` of a registered backend; an absent backend says why', async () => {
    const { kernels, unavailable } = await listKernels({ formats: ['q8_0', 'nf4'] });
    expect(kernels.length).toBeGreaterThan(0);
    for (const k of kernels) {
      expect(BACKEND_IDS).toContain(k.backend);
      expect(k.id).toBe(`${k.format}/${k.op}/${k.backend}`);
    }
    // the reference backend lists decode for every loadable format, and dot where the reference has one
    expect(kernels.filter((k) => k.backend === 'reference').map((k) => k.id)).toEqual([
      'q8_0/decode/reference',
      'q8_0/dot/reference',
      'nf4/decode/reference',
    ]);
    for (const u of unavailable) {
      expect(BACKEND_IDS).toContain(u.backend);
      expect(u.reason.length).toBeGreaterThan(0);
    }
  });

  it('a format that does not load is listed with the reason, never dropped silently', async () => {
    const r = await listKernels({ formats: ['q8_0', 'not_a_format'] });
    expect(r.kernels.every((k) => k.format === 'q8_0')).toBe(true);
    expect(r.unloadable).toEqual([{ format: 'not_a_format', reason: expect.stringMatching(/not_a_format/) }]);
  });

  it('a kernel file goes to the backend whose external form claims its ending', () => {
    expect(backendForFile('k.wgsl').backend.id).toBe('webgpu');
    expect(backendForFile('dir/K.WASM').backend.id).toBe('wasm-simd128');
    for (const f of ['k.mjs', 'k.js', 'k.ts', 'lib/k.so'])
      expect(backendForFile(f).backend.id).toBe('external');
    expect(() => backendForFile('kernel.dll')).toThrow(/no backend loads '\.dll' kernels \(known: .*\.wgsl/);
    const endings = BACKENDS.flatMap((b) => b.external?.extensions ?? []);
    expect(new Set(endings).size).toBe(endings.length);
  });

  it('a figure is on the device clock only where both the kernel and its yardstick have device time', () => {
    const y: CopyYardstick = { kernel: 'memcpy/test', measure: async () => 'unused' };
    const timing = { medianNs: 1000, minNs: 900, maxNs: 1100, runs: 5 };
    const wall: Measurement = { timing, prepared: true, throughputGBps: 2, elementsPerSecond: 1e6 };
    const onGpu: Measurement = { ...wall, deviceMedianNs: 500, deviceThroughputGBps: 4 };
    const copy = { bytes: 8, wallGBps: 10, deviceGBps: 20, method: 'test' };
    const gpu = againstOwnCopy(y, copy, onGpu, 1000);
    expect(gpu).toMatchObject({ gbps: 4, clock: 'gpu timestamps', against: 'memcpy/test', copyGBps: 20 });
    expect(gpu.elementsPerSecond).toBeCloseTo(2e9, 0);
    expect(againstOwnCopy(y, { ...copy, deviceGBps: undefined }, onGpu, 1000)).toMatchObject({
      gbps: 2,
      clock: 'wall clock',
      copyGBps: 10,
    });
    expect(againstOwnCopy(y, 'no adapter', wall, 1000)).toMatchObject({ gbps: 2, copyGBps: undefined });
  });
});
