import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fp32ToFp16Bits, loadFormat, QbenchError, roundToFp16 } from '@qbench/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFixture } from './fixture/build.ts';
import { encodeAscii } from './fixture/tokenizer.ts';
import { DistributionComparer, evalWindows } from './kl-stats.ts';
import { DataType, encodeModel, float32Tensor, GraphBuilder } from './onnx/model.ts';
import { parseOnnxModel, tensorToFloat32 } from './onnx/read.ts';
import { findWeights, quantizeWeights } from './quantize-weights.ts';
import { BaselineRun, LogitsSession, loadLocalTokenizer, measureModel, openLanguageModel } from './runner.ts';

describe('evaluation windows (llama.cpp: score the second half of each context)', () => {
  it('scores every token after the first context/2 exactly once, each with ≥ context/2 tokens before it', () => {
    const tokens = Array.from({ length: 50 }, (_, i) => i);
    const windows = evalWindows(tokens, 8);
    const targets = windows.flatMap((w) => w.scored.map((s) => s.target));
    expect(targets).toEqual(tokens.slice(5));
    for (const w of windows) {
      expect(w.input.length).toBeLessThanOrEqual(8);
      for (const s of w.scored) {
        expect(s.row).toBeGreaterThanOrEqual(4);
        expect(w.input[s.row]! + 1).toBe(s.target); // the target is the token after the row's input
      }
    }
  });
});

describe('distribution statistics', () => {
  it('are 0 / 1 / 0 for identical models, and perplexity is exp of the mean NLL', () => {
    // Two rows over V = 3: probabilities [1, 3, 1]/5 and [1, 2, 2]/5.
    const logits = Float32Array.from([0, Math.log(3), 0, 0, Math.log(2), Math.log(2)]);
    const cmp = new DistributionComparer(3);
    cmp.add(logits, logits, 0, 1); // p = 3/5
    cmp.add(logits, logits, 1, 0); // p = 1/5
    const r = cmp.result();
    expect(r.meanKl).toBe(0);
    expect(r.top1Agreement).toBe(1);
    expect(r.rmsDeltaP).toBe(0);
    // 7 digits: the logits are float32 (ln 3 rounded).
    expect(r.perplexityBase).toBeCloseTo(Math.exp(-(Math.log(3 / 5) + Math.log(1 / 5)) / 2), 7);
  });

  it('computes KL(P‖Q), Δp of the correct token and top-1 disagreement by hand', () => {
    const base = Float32Array.from([Math.log(0.5), Math.log(0.5)]);
    const quant = Float32Array.from([Math.log(0.25), Math.log(0.75)]);
    const cmp = new DistributionComparer(2);
    cmp.add(base, quant, 0, 0);
    const r = cmp.result();
    expect(r.meanKl).toBeCloseTo(0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75), 7);
    expect(r.meanDeltaP).toBeCloseTo(-0.25, 7);
    expect(r.rmsDeltaP).toBeCloseTo(0.25, 7);
    expect(r.top1Agreement).toBe(0); // base ties resolve to token 0, quant prefers token 1
    expect(r.perplexityQ).toBeCloseTo(4, 6);
  });
});

describe('weights of a graph', () => {
  // Gather table [4, 32] and MatMul weight [32, 64] (stored [in, out]); the mask-like constant is not a weight.
  const g = new GraphBuilder();
  const table = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i));
  const w = Float32Array.from({ length: 32 * 64 }, (_, i) => Math.cos(i * 0.37) * (1 + (i % 64)));
  const emb = g.op(
    'Gather',
    [g.constant(float32Tensor('emb', [4, 32], table)), 'ids'],
    [{ name: 'axis', int: 0 }],
  );
  const y = g.op('MatMul', [emb, g.constant(float32Tensor('w', [32, 64], w))]);
  g.op('Add', [y, g.constant(float32Tensor('not_a_weight', [1, 64], new Float32Array(64)))], [], 'out');
  const model = parseOnnxModel(
    encodeModel({
      opset: 17,
      graph: g.graph(
        't',
        [{ name: 'ids', dataType: DataType.INT64, dims: [2] }],
        [{ name: 'out', dataType: DataType.FLOAT, dims: [2, 64] }],
      ),
    }),
  );

  it('finds Gather tables and MatMul weights, and only those', () => {
    expect(findWeights(model).map((x) => [x.name, x.layout])).toEqual([
      ['emb', 'rows'],
      ['w', 'transposed'],
    ]);
  });

  it('quantizes MatMul weights along the contraction axis (blocks run down a column of [in, out])', async () => {
    const q8 = await loadFormat('q8_0');
    const r = quantizeWeights(model, q8);
    expect(r.quantized.map((t) => [t.name, t.nPerRow])).toEqual([
      ['emb', 32],
      ['w', 32],
    ]);
    // Each column of w has its own scale, so the column with the largest values (col 63) does not coarsen col 0.
    const got = tensorToFloat32(
      parseOnnxModel(
        encodeModel({
          opset: 17,
          graph: { name: 'x', nodes: [], inputs: [], outputs: [], initializers: [r.replacements.get('w')!] },
        }),
      ).initializers[0]!,
    );
    const col = (x: Float32Array, c: number) => Array.from({ length: 32 }, (_, k) => x[k * 64 + c]!);
    const want0 = q8.reference.decode(q8.reference.encode(Float32Array.from(col(w, 0))), 32);
    expect(col(got, 0)).toEqual(Array.from(want0));
  });

  it('flattens a tensor whose rows do not fit the block, and reports what it cannot quantize', async () => {
    const r = quantizeWeights(model, await loadFormat('q4_k')); // block 256: rows of 32 do not fit
    expect(r.quantized.map((t) => [t.name, t.nPerRow])).toEqual([['w', 2048]]);
    expect(r.skipped.map((s) => s.name)).toEqual(['emb']);
    expect(r.skipped[0]!.reason).toMatch(/128 elements/);
  });
});

describe('float16 weights', () => {
  it('stay float16: the dequantized values are written back rounded to binary16', async () => {
    const w = Float32Array.from({ length: 32 * 2 }, (_, i) => roundToFp16(Math.sin(i) * 0.1));
    const raw = new Uint8Array(w.length * 2);
    for (const [i, v] of w.entries()) new DataView(raw.buffer).setUint16(i * 2, fp32ToFp16Bits(v), true);
    const g = new GraphBuilder();
    g.op(
      'MatMul',
      ['x', g.constant({ name: 'w16', dataType: DataType.FLOAT16, dims: [32, 2], raw })],
      [],
      'y',
    );
    const model = parseOnnxModel(encodeModel({ opset: 17, graph: g.graph('h', [], []) }));
    const q8 = await loadFormat('q8_0');
    const t = quantizeWeights(model, q8).replacements.get('w16')!;
    expect(t.dataType).toBe(DataType.FLOAT16);
    const got = tensorToFloat32({
      name: 'w16',
      dims: [32, 2],
      dataType: t.dataType,
      external: false,
      raw: t.raw,
    });
    const col0 = Float32Array.from({ length: 32 }, (_, k) => w[k * 2]!);
    const want = q8.reference.decode(q8.reference.encode(col0), 32);
    expect(Array.from({ length: 32 }, (_, k) => got[k * 2]!)).toEqual(Array.from(want, roundToFp16));
  });
});

describe('model level on the fixture', () => {
  let baseline: BaselineRun;
  beforeAll(async () => {
    const dir = await ensureFixture();
    baseline = await BaselineRun.create(
      await openLanguageModel(dir),
      await readFile(join(dir, 'eval.txt'), 'utf8'),
    );
  });

  it('q8_0 is nearly lossless: KL < 1e-3 and top-1 agreement ≥ 0.99', async () => {
    const r = await measureModel(baseline, await loadFormat('q8_0'));
    expect(r.weights.skipped).toEqual([]);
    expect(r.weights.bitsPerWeight).toBe(8.5);
    expect(r.comparison.positions).toBeGreaterThan(1000);
    expect(r.comparison.meanKl).toBeLessThan(1e-3);
    expect(r.comparison.top1Agreement).toBeGreaterThanOrEqual(0.99);
    expect(Math.abs(r.comparison.perplexityQ / r.comparison.perplexityBase - 1)).toBeLessThan(1e-3);
    // A uniform guess over 128 symbols has perplexity 128: on held-out text the fixture is far from noise.
    expect(r.comparison.perplexityBase).toBeLessThan(20);
  });

  it('KL grows as bits fall: q8_0 < q6_k < q4_k < q2_k', async () => {
    const kl: number[] = [];
    for (const id of ['q8_0', 'q6_k', 'q4_k', 'q2_k'])
      kl.push((await measureModel(baseline, await loadFormat(id))).comparison.meanKl);
    for (let i = 1; i < kl.length; i++) expect(kl[i]).toBeGreaterThan(kl[i - 1]!);
    expect(kl[3]).toBeGreaterThan(1e-3); // 2.6 bits is visibly lossy
  });
});

describe('transformers.js reads the fixture offline', () => {
  it('its tokenizer gives the fixture’s ids and AutoModelForCausalLM the same logits as onnxruntime', async () => {
    const dir = await ensureFixture();
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
    env.allowRemoteModels = false;
    const text = (await readFile(join(dir, 'eval.txt'), 'utf8')).slice(0, 48);
    const ids = encodeAscii(text);
    expect((await loadLocalTokenizer(dir))(text)).toEqual(ids);
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const model = await AutoModelForCausalLM.from_pretrained(dir, { local_files_only: true, dtype: 'fp32' });
    const out = (await model(tokenizer(text, { add_special_tokens: false }))) as {
      logits: { data: Float32Array };
    };
    const lm = await openLanguageModel(dir);
    const session = await LogitsSession.create(lm.bytes, lm.vocabSize);
    const direct = await session.logits(ids);
    await session.release();
    await model.dispose();
    expect(Array.from(out.logits.data)).toEqual(Array.from(direct));
  });
});

describe('model folders', () => {
  it('says what is missing instead of downloading', async () => {
    const err = await openLanguageModel('no/such/model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QbenchError);
    expect((err as QbenchError).code).toBe('model.missing');
    expect((err as Error).message).toMatch(/downloads nothing/);
  });
});
