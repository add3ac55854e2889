/**
 * The round-trip suite on real formats (q8_0: golden vectors, idempotent) and on deliberately broken codecs:
 * every failure is a record with its reason, never an exception.
 */
import { type Format, listSpecs, loadFormat, type ReferenceCodec } from '@qbench/core';
import type { ResultRecord, RunContext } from '@qbench/spec';
import { describe, expect, it } from 'vitest';
import { generatedRecords } from './generated.ts';
import suite from './index.ts';
import { idempotenceRecords, layoutBytes, nmseRecords, sizeRecords, tensorSize } from './properties.ts';
import { reference } from './records.ts';
import { specialRecords, specialSize } from './special.ts';

const ctx: RunContext = { log: () => {}, signal: new AbortController().signal, setGpuAdapter: () => {} };
const get = (rs: ResultRecord[], dataset: string, metric: string) =>
  rs.find((r) => r.dataset === dataset && r.metric === metric);

describe('work items', () => {
  it('lists a golden and a properties item for every registry format, and honours --format', async () => {
    const all = (await suite.workItems({})).filter((i) => !i.id.startsWith('kernel'));
    expect(all).toHaveLength(listSpecs().length * 2);
    expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
    const some = (await suite.workItems({ formats: ['q8_0'] })).filter((i) => !i.id.startsWith('kernel'));
    expect(some.map((i) => i.id)).toEqual(['q8_0/golden', 'q8_0/properties']);
    expect(some.every((i) => i.format === 'q8_0')).toBe(true);
    expect(some.map((i) => i.plan)).toEqual([
      { kind: 'format', format: 'q8_0', part: 'golden' },
      { kind: 'format', format: 'q8_0', part: 'properties' },
    ]);
  });

  it('plans are plain data (sharding and --resume recompute items from the options)', async () => {
    const items = await suite.workItems({ formats: ['q8_0', 'q4_k'] });
    expect(JSON.parse(JSON.stringify(items))).toEqual(items);
    for (const i of items.filter((x) => x.plan.kind === 'kernel'))
      expect(i.plan).toMatchObject({ kernel: i.id.slice('kernel:'.length), format: i.format });
  });
});

describe('q8_0 (reference)', () => {
  it('passes its golden vectors and the generated cases', async () => {
    const rs = await suite.runItem(
      { id: 'q8_0/golden', label: '', plan: { kind: 'format', format: 'q8_0', part: 'golden' } },
      { quick: true },
      ctx,
    );
    const golden = get(rs, 'golden:ggml/q8_0', 'golden')!;
    expect(golden.value).toBe('pass');
    expect(golden.details!['cases']).toBeGreaterThan(5);
    expect(get(rs, 'generated', 'generated')!.value).toBe('pass');
    expect(rs.every((r) => r.suite === 'roundtrip' && r.kernel === 'reference')).toBe(true);
  });

  it('has the predicted size, NMSE within tolerance on every source, idempotence, and rejects NaN', async () => {
    const rs = await suite.runItem(
      { id: 'q8_0/properties', label: '', plan: { kind: 'format', format: 'q8_0', part: 'properties' } },
      { quick: true },
      ctx,
    );
    expect(get(rs, 'gaussian', 'size')).toMatchObject({
      value: 'pass',
      details: { encodedBytes: (8192 / 32) * 34 },
    });
    expect(get(rs, 'gaussian', 'bits_per_weight')!.value).toBe(8.5);
    for (const src of ['gaussian', 'laplace', 'student_t', 'outlier_mixture']) {
      expect(get(rs, src, 'nmse_within_tolerance')!.value, src).toBe('pass');
      expect(get(rs, src, 'sqnr_db')!.value as number).toBeGreaterThan(30);
    }
    expect(get(rs, 'gaussian', 'idempotent')!.value).toBe('pass');
    expect(get(rs, 'gaussian', 'reencode_differing_blocks')!.value).toBe(0);
    expect(get(rs, 'nan', 'special_values')).toMatchObject({
      value: 'pass',
      details: { expected: 'rejected by default' },
    });
    expect(String(get(rs, 'nan', 'special_values')!.details!['behaviour'])).toMatch(
      /^rejected by default \(codec.nonfinite\); with nonFinite 'propagate'/,
    );
    expect(get(rs, 'zeros', 'special_values')!.value).toBe('pass');
  });

  it('records an unknown format as a load error', async () => {
    const rs = await suite.runItem(
      {
        id: 'no_such_format/properties',
        label: '',
        format: 'no_such_format',
        plan: { kind: 'format', format: 'no_such_format', part: 'properties' },
      },
      { quick: true },
      ctx,
    );
    expect(rs).toMatchObject([{ metric: 'load', value: null }]);
    expect(rs[0]!.error).toMatch(/format.unknown/);
  });
});

/** q8_0's spec with a codec we break on purpose. */
async function broken(patch: Partial<ReferenceCodec>): Promise<Format> {
  const f = await loadFormat('q8_0');
  return { ...f, reference: { ...f.reference, ...patch } };
}

describe('broken codecs become records', () => {
  it('a codec that accepts NaN, crashes on zeros and decodes garbage', async () => {
    const real = await loadFormat('q8_0');
    const f = await broken({
      encode(x) {
        if (x.every((v) => v === 0)) throw new TypeError('oops');
        return real.reference.encode(x, { nonFinite: 'propagate' });
      },
      decode(q, n) {
        return real.reference.decode(q, n).map((v, i) => (i === 7 ? v + 1 : v));
      },
    });
    const s = reference('q8_0');
    const special = specialRecords(f, s);
    expect(get(special, 'nan', 'special_values')).toMatchObject({
      value: 'fail',
      details: { expected: 'rejected by default with an error' },
    });
    expect(get(special, 'zeros', 'special_values')!.value).toBe('fail');
    expect(String(get(special, 'zeros', 'special_values')!.details!['behaviour'])).toMatch(
      /crashed in encode: TypeError: oops/,
    );
    const idem = await idempotenceRecords(f, s, 4096);
    expect(get(idem, 'gaussian', 'idempotent')!.value).toBe('fail');
    expect(get(idem, 'gaussian', 'reencode_differing_blocks')!.value).toBe(1);
  });

  it('a codec with the wrong size, a noisy decode and a view-unsafe decode', async () => {
    const real = await loadFormat('q8_0');
    const f = await broken({
      encode: (x) => {
        const q = real.reference.encode(x);
        const out = new Uint8Array(q.length + 2);
        out.set(q);
        return out.subarray(0, q.length + (x.length > 64 ? 2 : 0));
      },
      decode: (q, n) => {
        // Reads the underlying buffer from 0, ignoring byteOffset: a classic kernel bug.
        const whole = new Uint8Array(q.buffer, 0, q.length);
        return real.reference.decode(whole, n);
      },
    });
    const s = reference('q8_0');
    const size = await sizeRecords(f, s, 4096);
    expect(get(size, 'gaussian', 'size')!.value).toBe('fail');
    const gen = await generatedRecords(f, s, true, ctx.signal);
    expect(gen[0]!.value).toBe('fail');
    expect(String(gen[0]!.details!['firstFailure'])).toMatch(/byte offset 1 differs|encode gave/);
    const noisy = await broken({
      decode: (q, n) => real.reference.decode(q, n).map((v, i) => v + (i % 2 ? 0.5 : -0.5)),
    });
    const nm = await nmseRecords(noisy, s, 4096, ctx.signal);
    expect(get(nm, 'gaussian', 'nmse_within_tolerance')!.value).toBe('fail');
  });

  it('predicts layout bytes from side info', async () => {
    const f = await loadFormat('q8_0');
    expect(layoutBytes(f, 64)).toBe(68);
    const spec = {
      ...f.spec,
      layout: {
        ...f.spec.layout,
        sideInfo: [{ name: 's', type: 'f32' as const, count: 1, per: 'tensor' as const, description: '' }],
      },
    };
    expect(layoutBytes({ ...f, spec }, 64)).toBe(72);
  });
});

describe('bounds and sizes', () => {
  it('holds each source to maxNmseBySource where the spec gives one, else to maxNmse, and names which', async () => {
    const f = await loadFormat('q8_0');
    const spec = {
      ...f.spec,
      tolerance: { ...f.spec.tolerance, roundTrip: { maxNmse: 1, maxNmseBySource: { student_t: 1e-9 } } },
    };
    const rs = await nmseRecords({ ...f, spec }, reference('q8_0'), 4096, ctx.signal);
    expect(get(rs, 'student_t', 'nmse_within_tolerance')).toMatchObject({
      value: 'fail',
      details: { maxNmse: 1e-9, bound: 'roundTrip.maxNmseBySource.student_t' },
    });
    for (const src of ['gaussian', 'laplace', 'outlier_mixture'])
      expect(get(rs, src, 'nmse_within_tolerance')).toMatchObject({
        value: 'pass',
        details: { maxNmse: 1, bound: 'roundTrip.maxNmse' },
      });
  });

  it('rounds tensors up to whole side-info periods, so bits/weight predicts the size exactly', async () => {
    const dq = await loadFormat('nf4_dq');
    expect(tensorSize(dq, 8192)).toBe(16384);
    expect(
      get(await sizeRecords(dq, reference('nf4_dq'), tensorSize(dq, 8192)), 'gaussian', 'size')!.value,
    ).toBe('pass');
    expect(tensorSize(await loadFormat('q8_0'), 8192)).toBe(8192);
  });

  it('plants every special value inside the tensor, also for one-element blocks', async () => {
    const f = await loadFormat('e4m3fn');
    expect(specialSize(f)).toBe(16);
    const rs = specialRecords(f, reference('e4m3fn'));
    expect(get(rs, 'inf', 'special_values')).toMatchObject({
      value: 'pass',
      details: { expected: 'rejected by default' },
    });
    // A codec that accepts ±Inf is caught even at one element per block.
    const lax = {
      ...f,
      reference: {
        ...f.reference,
        encode: (x: Float32Array) => f.reference.encode(x, { nonFinite: 'propagate' }),
      },
    };
    expect(get(specialRecords(lax, reference('e4m3fn')), 'inf', 'special_values')!.value).toBe('fail');
  });
});

describe('kernels from the registry', async () => {
  const { listCheckedKernels, kernelPlan, kernelRecords } = await import('./kernels.ts');
  const listing = await listCheckedKernels({ formats: ['q8_0'] });
  const wasm = listing.kernels.find((k) => k.id === 'q8_0/decode/wasm-simd128');

  it('lists a kernel item per non-reference kernel, or an item that records why none is available', async () => {
    const items = (await suite.workItems({ formats: ['q8_0'] })).map((i) => i.id);
    for (const k of listing.kernels) expect(items).toContain(`kernel:${k.id}`);
    if (listing.unavailable.length > 0) expect(items).toContain('kernels:unavailable');
    expect(listing.kernels.every((k) => k.backend !== 'reference')).toBe(true);
  });

  it.skipIf(!wasm)(
    'gives the wasm-simd128 q8_0 decode kernel a verdict on generated cases and on golden vectors (skipped: wasm not built)',
    async () => {
      const rs = await kernelRecords(kernelPlan(wasm!), { quick: true });
      expect(rs.map((r) => [r.dataset, r.value])).toEqual([
        ['generated', 'pass'],
        ['golden:ggml/q8_0', 'pass'],
      ]);
      expect(rs.every((r) => r.kernel === 'q8_0/decode/wasm-simd128' && r.backend === 'wasm-simd128')).toBe(
        true,
      );
    },
  );

  it('records an unknown kernel as a skip with the reason', async () => {
    const rs = await kernelRecords(
      kernelPlan({ id: 'q8_0/decode/nonexistent', format: 'q8_0', backend: 'nonexistent' }),
      { quick: true },
    );
    expect(rs).toMatchObject([{ metric: 'kernel_conformance', value: 'skip' }]);
  });
});
