/**
 * Known values the accuracy suite must reproduce: Lloyd–Max NMSE, the golden q8_0 SQNR, published anchors,
 * and the physical limit (no format may beat the Gaussian distortion-rate bound on N(0,1): a format above
 * it has a bug in its bits/weight accounting).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listSpecs, loadFormat, openGoldenFolder, sqnrDb } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import suite from './index.ts';
import { lloydMaxGaussian, lloydMaxSqnrDb, shannonBoundDb } from './lloyd-max.ts';
import { sample } from './sources.ts';
import { elementErrorQuantiles, measureTensor } from './tensor.ts';

const golden = fileURLToPath(new URL('../../../datasets/golden/', import.meta.url));

describe('Lloyd–Max yardstick', () => {
  // Max (1960) tabulates 0.3634 / 0.1175 / 0.03454 / 0.009497; the iteration converges to levels that
  // agree with Max's to 4 decimals and an MSE of 0.0095010 at 4 bits (Max's table rounds its integrals).
  it.each([
    [1, 0.3634],
    [2, 0.1175],
    [3, 0.03454],
    [4, 0.009497],
  ])('%i bit(s): NMSE %f', (bits, nmse) => {
    expect(Math.abs(lloydMaxGaussian(2 ** bits).nmse / nmse - 1)).toBeLessThan(6e-4);
  });

  it('the 16-level quantizer has Max’s levels', () => {
    const upper = lloydMaxGaussian(16).levels.slice(8);
    const max1960 = [0.1284, 0.3881, 0.6568, 0.9424, 1.256, 1.618, 2.069, 2.733];
    for (const [i, v] of max1960.entries()) expect(upper[i]).toBeCloseTo(v, 3);
  });

  it('sits below the Shannon bound at every rate and approaches its 6.02 dB/bit slope', () => {
    for (const r of [1, 2, 3, 4, 5, 6]) expect(lloydMaxSqnrDb(r)).toBeLessThan(shannonBoundDb(r));
    expect(lloydMaxSqnrDb(6) - lloydMaxSqnrDb(5)).toBeCloseTo(6.02, 0);
  });
});

describe('tensor level', () => {
  const x = sample('gaussian', 1 << 16, 4096, 1);

  it('every format stays below the Gaussian distortion-rate bound on N(0,1)', async () => {
    const above: string[] = [];
    for (const spec of listSpecs()) {
      const m = measureTensor(await loadFormat(spec.id), x, 4096);
      expect(m.bitsPerWeight).toBeGreaterThan(0);
      // f32 stores float32 input exactly (mse 0, SQNR +∞): the bound is for a continuous source, and the
      // sample is already float32, so a lossless format is not "above" it.
      if (m.mse === 0) continue;
      if (m.gapToBoundDb < 0) above.push(`${spec.id}: ${m.sqnrDb.toFixed(2)} dB at ${m.bitsPerWeight} bits`);
    }
    expect(above).toEqual([]);
  });

  it('measured bits/weight equals the spec’s derived bits/weight for block formats without per-tensor data', async () => {
    for (const spec of listSpecs().filter(
      (s) => s.derived.tensorOverheadBits === 0 && s.derived.rowOverheadBits === 0,
    )) {
      const m = measureTensor(await loadFormat(spec.id), x, 4096);
      expect(m.bitsPerWeight, spec.id).toBeCloseTo(spec.derived.bitsPerWeight, 2);
    }
  });

  it('q8_0 on N(0,1) is within 0.5 dB of the SQNR of ggml’s own golden decode', async () => {
    const c = openGoldenFolder(join(golden, 'ggml', 'q8_0')).cases.find((k) => k.name === 'gaussian')!;
    const goldenSqnr = sqnrDb(c.f32('in', 4096), c.f32('out', 4096));
    const ours = measureTensor(await loadFormat('q8_0'), x, 4096).sqnrDb;
    expect(Math.abs(ours - goldenSqnr)).toBeLessThan(0.5);
  });

  it('higher-rate members of a family lose less: q2_k < q3_k < q4_k < q5_k < q6_k < q8_0', async () => {
    const ids = ['q2_k', 'q3_k', 'q4_k', 'q5_k', 'q6_k', 'q8_0'];
    const s: number[] = [];
    for (const id of ids) s.push(measureTensor(await loadFormat(id), x, 4096).sqnrDb);
    for (let i = 1; i < s.length; i++) expect(s[i]!, ids[i]).toBeGreaterThan(s[i - 1]!);
  });
});

describe('per-element error quantiles', () => {
  it('are nearest-rank quantiles of |x − y| / RMS(x)', () => {
    // x = ±2 (RMS 2), errors 2·k/1000 for k = 1..1000 in shuffled order: |e|/RMS = k/1000.
    const n = 1000;
    const x = new Float32Array(n).map((_, i) => (i % 2 ? 2 : -2));
    const y = new Float32Array(n).map((_, i) => x[i]! + (2 * (((i * 7919) % n) + 1)) / n);
    const q = elementErrorQuantiles(x, y);
    expect(q.p50).toBeCloseTo(0.5, 6);
    expect(q.p90).toBeCloseTo(0.9, 6);
    expect(q.p99).toBeCloseTo(0.99, 6);
    expect(q.p999).toBeCloseTo(0.999, 6);
  });

  it('grow from p50 to p99.9 and stay within half a step of q8_0 on N(0,1)', async () => {
    const x = sample('gaussian', 1 << 14, 4096, 1);
    const q = measureTensor(await loadFormat('q8_0'), x, 4096).elementErrorQuantiles;
    expect(q.p50).toBeGreaterThan(0);
    expect(q.p50).toBeLessThan(q.p90);
    expect(q.p90).toBeLessThan(q.p99);
    expect(q.p99).toBeLessThanOrEqual(q.p999);
    // q8_0: step = max|x|/127 per 32-block; max|x| of 32 N(0,1) values stays below ~4.5, so |e| ≤ 4.5/254.
    expect(q.p999).toBeLessThan(4.5 / 254);
  });
});

describe('the suite', () => {
  it('has a tensor and a layer item for every format, and a quick run yields finite records', async () => {
    const items = await suite.workItems({});
    for (const level of ['tensor', 'layer']) {
      expect(items.filter((i) => i.id.startsWith(`accuracy/${level}/`)).length).toBe(listSpecs().length);
    }
    // plans are plain data (sharding and --resume recompute items from the options), named as the ids are
    expect(JSON.parse(JSON.stringify(items))).toEqual(items);
    for (const i of items)
      if (i.plan.kind !== 'compare') expect(i.id).toBe(`accuracy/${i.plan.kind}/${i.plan.format}`);
    const ctx = { log: () => {}, signal: new AbortController().signal, setGpuAdapter: () => {} };
    const recs = await suite.runItem(
      { id: 'accuracy/tensor/q4_k', label: '', plan: { kind: 'tensor', format: 'q4_k' } },
      { quick: true },
      ctx,
    );
    const sq = recs.find((r) => r.dataset === 'gaussian' && r.metric === 'sqnr_db');
    expect(sq?.value).toBeGreaterThan(20);
    expect(recs.every((r) => r.error === undefined)).toBe(true);
    const layer = await suite.runItem(
      { id: 'accuracy/layer/q4_k', label: '', plan: { kind: 'layer', format: 'q4_k' } },
      { quick: true },
      ctx,
    );
    const frob = layer.find((r) => r.dataset === 'layer:gaussian' && r.metric === 'layer_rel_frobenius');
    expect(frob?.value).toBeGreaterThan(0);
    expect(frob?.value).toBeLessThan(0.2);
  });
});

describe('real weights (--weights)', () => {
  it('streams every 2-D float tensor of a safetensors file, filtered by a glob, and records unsupported rows', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { encodeSafetensors } = await import('@qbench/models');
    const dir = mkdtempSync(join(tmpdir(), 'qbench-weights-'));
    try {
      const w = sample('gaussian', 8 * 256, 256, 5);
      const path = join(dir, 'model.safetensors');
      writeFileSync(
        path,
        encodeSafetensors([
          { name: 'layers.0.mlp.weight', shape: [8, 256], data: w },
          { name: 'layers.0.odd.weight', shape: [16, 100], data: new Float32Array(1600) },
          { name: 'norm.bias', shape: [256], data: new Float32Array(256) },
        ]),
      );
      const ctx = { log: () => {}, signal: new AbortController().signal, setGpuAdapter: () => {} };
      const items = await suite.workItems({ formats: ['q4_k'], inputs: { weights: path } });
      expect(items.map((i) => i.id)).toContain('accuracy/weights/q4_k');
      const recs = await suite.runItem(
        { id: 'accuracy/weights/q4_k', label: '', plan: { kind: 'weights', format: 'q4_k' } },
        { inputs: { weights: path, tensors: 'layers.*' } },
        ctx,
      );
      const sq = recs.find((r) => r.dataset === 'weights:layers.0.mlp.weight' && r.metric === 'sqnr_db');
      expect(sq?.value).toBeCloseTo(measureTensor(await loadFormat('q4_k'), w, 256).sqnrDb, 10);
      expect(recs.find((r) => r.dataset === 'weights:layers.0.odd.weight')?.error).toMatch(
        /row length 100 is not a multiple of q4_k's block of 256/,
      );
      expect(recs.some((r) => r.dataset === 'weights:norm.bias')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('anchors reproduced by the suite (N(0,1), 2^18 samples)', () => {
  const x = sample('gaussian', 1 << 18, 4096, 1);
  const nmseOf = async (id: string) => {
    const m = measureTensor(await loadFormat(id), x, 4096);
    return m.mse / (x.reduce((s, v) => s + v * v, 0) / x.length);
  };

  it('NF4 with block 64 is near its published optimum (20.7 dB ± 0.3)', async () => {
    expect(Math.abs(measureTensor(await loadFormat('nf4'), x, 4096).sqnrDb - 20.7)).toBeLessThan(0.3);
  });

  it('iFairy: 1-stage NMSE 1 − 2/π (±0.5%), 2-stage ≈ 0.130 on i.i.d. complex Gaussian (interleaved re, im)', async () => {
    expect(Math.abs((await nmseOf('ifairy')) / (1 - 2 / Math.PI) - 1)).toBeLessThan(0.005);
    expect(Math.abs((await nmseOf('ifairy_w2')) / 0.13 - 1)).toBeLessThan(0.02);
  });

  it('MWQ sliced from the int8 master (group 128): NMSE ≈ 9.8e-3 at r = 4 and ≈ 0.17 at r = 2 (±2%)', async () => {
    expect(Math.abs((await nmseOf('mwq_r4')) / 9.8e-3 - 1)).toBeLessThan(0.02);
    expect(Math.abs((await nmseOf('mwq_r2')) / 0.17 - 1)).toBeLessThan(0.02);
  });

  it('MX and NVFP4 anchors: MXFP4 18.8, MXFP6 E2M3 31.0, MXFP8 E4M3 30.7, MXINT8 41.7, NVFP4 20.4 dB (±0.3)', async () => {
    const anchors: [string, number][] = [
      ['mxfp4_e2m1', 18.8],
      ['mxfp6_e2m3', 31.0],
      ['mxfp8_e4m3', 30.7],
      ['mxint8', 41.7],
      ['nvfp4_torchao', 20.4],
    ];
    for (const [id, db] of anchors)
      expect(Math.abs(measureTensor(await loadFormat(id), x, 4096).sqnrDb - db), id).toBeLessThan(0.3);
  });
});

describe('real weights from a GGUF file', () => {
  it('decodes quantized 2-D tensors with the reference codec and measures them like any tensor', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { writeGguf } = await import('@qbench/gguf-file');
    const dir = mkdtempSync(join(tmpdir(), 'qbench-gguf-weights-'));
    try {
      const w = sample('gaussian', 4 * 256, 256, 9);
      const q4k = await loadFormat('q4_k');
      const bytes = q4k.reference.encode(w, { nPerRow: 256 });
      const path = join(dir, 'model.gguf');
      writeFileSync(
        path,
        await writeGguf({
          metadata: [['general.architecture', { type: 'str', value: 'test' }]],
          tensors: [{ name: 'blk.0.ffn.weight', type: 'q4_k', dims: [256, 4], data: bytes }],
        }),
      );
      const ctx = { log: () => {}, signal: new AbortController().signal, setGpuAdapter: () => {} };
      const recs = await suite.runItem(
        { id: 'accuracy/weights/q8_0', label: '', plan: { kind: 'weights', format: 'q8_0' } },
        { inputs: { weights: path } },
        ctx,
      );
      const sq = recs.find((r) => r.dataset === 'weights:blk.0.ffn.weight' && r.metric === 'sqnr_db');
      expect(recs.filter((r) => r.error)).toEqual([]);
      const decoded = q4k.reference.decode(bytes, w.length);
      expect(sq?.value).toBeCloseTo(measureTensor(await loadFormat('q8_0'), decoded, 256).sqnrDb, 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
