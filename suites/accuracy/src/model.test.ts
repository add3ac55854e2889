/** The model level and ONNX weights, on the project's fixture model (built on first use, then cached). */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFixture, parseOnnxModel, tensorToFloat32 } from '@qbench/models';
import type { ResultRecord, RunContext } from '@qbench/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import suite from './index.ts';
import { openWeights } from './weights.ts';

const ctx: RunContext = { log: () => {}, signal: new AbortController().signal, setGpuAdapter: () => {} };
const byMetric = (recs: ResultRecord[]) => Object.fromEntries(recs.map((r) => [r.metric, r]));

let fixture: string;
const scratch: string[] = [];
beforeAll(async () => {
  fixture = await ensureFixture();
});
afterAll(() => Promise.all(scratch.map((d) => rm(d, { recursive: true, force: true }))));

describe('accuracy suite, model level', () => {
  it('has one model item per format', async () => {
    const ids = (await suite.workItems({ formats: ['q8_0', 'q4_k'] })).map((i) => i.id);
    expect(ids).toContain('accuracy/model/q8_0');
    expect(ids).toContain('accuracy/model/q4_k');
  });

  it('reports llama.cpp’s KL statistics on the fixture: q8_0 is nearly lossless, q2_k is not', async () => {
    const q8 = byMetric(
      await suite.runItem(
        { id: 'accuracy/model/q8_0', label: '', plan: { kind: 'model', format: 'q8_0' } },
        {},
        ctx,
      ),
    );
    const q2 = byMetric(
      await suite.runItem(
        { id: 'accuracy/model/q2_k', label: '', plan: { kind: 'model', format: 'q2_k' } },
        {},
        ctx,
      ),
    );
    for (const r of Object.values(q8)) {
      expect(r.error).toBeUndefined();
      expect(r.dataset).toBe('fixture');
      expect(r.kernel).toBe('q8_0/decode/reference');
    }
    expect(Object.keys(q8).sort()).toEqual([
      'kl_divergence',
      'perplexity_fp',
      'perplexity_q',
      'rms_delta_p',
      'top1_agreement',
    ]);
    expect(q8['kl_divergence']!.unit).toBe('nats');
    expect(q8['kl_divergence']!.value).toBeLessThan(1e-3);
    expect(q8['top1_agreement']!.value).toBeGreaterThanOrEqual(0.99);
    expect(q2['kl_divergence']!.value as number).toBeGreaterThan(10 * (q8['kl_divergence']!.value as number));
    expect(q2['rms_delta_p']!.value as number).toBeGreaterThan(q8['rms_delta_p']!.value as number);
    // Both items compare against the same unquantized run.
    expect(q2['perplexity_fp']!.value).toBe(q8['perplexity_fp']!.value);
    // 2 embedding tables + 2 layers × (q, k, v, o, up, down) + lm_head.
    expect(q8['kl_divergence']!.details).toMatchObject({ tensors_quantized: 15, tensors_skipped: [] });
  });

  it('names a missing model folder in an error record instead of downloading', async () => {
    const recs = await suite.runItem(
      { id: 'accuracy/model/q8_0', label: '', plan: { kind: 'model', format: 'q8_0' } },
      { inputs: { model: join(tmpdir(), 'qbench-no-such-model') } },
      ctx,
    );
    expect(recs).toHaveLength(1);
    expect(recs[0]!.value).toBeNull();
    expect(recs[0]!.error).toMatch(/no config\.json.*downloads nothing/);
  });

  it('runs a user’s local folder through its own tokenizer.json (transformers.js, offline)', async () => {
    // The fixture without its `qbench` marker is, to the runner, any Hugging Face–layout model.
    const dir = join(await mkdtemp(join(tmpdir(), 'qbench-user-model-')), 'my-model');
    scratch.push(dir);
    await cp(fixture, dir, { recursive: true });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    delete config['qbench'];
    await writeFile(join(dir, 'config.json'), JSON.stringify(config));
    const text = join(dir, 'eval.txt');
    const m = byMetric(
      await suite.runItem(
        { id: 'accuracy/model/q4_k', label: '', plan: { kind: 'model', format: 'q4_k' } },
        { inputs: { model: dir, text } },
        ctx,
      ),
    );
    expect(m['kl_divergence']!.error).toBeUndefined();
    expect(m['kl_divergence']!.dataset).toBe('model:my-model');
    // Same model, same text, same tokens: the numbers equal the fixture's.
    const f = byMetric(
      await suite.runItem(
        { id: 'accuracy/model/q4_k', label: '', plan: { kind: 'model', format: 'q4_k' } },
        {},
        ctx,
      ),
    );
    expect(m['kl_divergence']!.value).toBe(f['kl_divergence']!.value);
  });
});

describe('--weights model.onnx', () => {
  it('lists the weights with rows along the contraction axis and reads them', async () => {
    const path = join(fixture, 'onnx', 'model.onnx');
    const src = await openWeights(path);
    const names = src.tensors.map((t) => t.name);
    expect(names).toContain('model.embed_tokens.weight');
    expect(names).not.toContain('causal_mask'); // a 2-D constant, but no weight
    const up = src.tensors.find((t) => t.name === 'model.layers.0.mlp.up_proj.weight')!;
    expect([up.rows, up.cols]).toEqual([256, 64]); // stored [64, 256] for MatMul
    const stored = tensorToFloat32(
      parseOnnxModel(new Uint8Array(await readFile(path))).initializers.find((t) => t.name === up.name)!,
    );
    const x = await up.read();
    expect(x[3 * 64 + 5]).toBe(stored[5 * 256 + 3]); // row 3 = output 3, col 5 = input 5
    const filtered = await openWeights(path, '*.q_proj.*');
    expect(filtered.tensors.map((t) => t.name)).toEqual([
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.1.self_attn.q_proj.weight',
    ]);
    await src.close();
    await filtered.close();
    await expect(up.read()).rejects.toThrow(/after close/);
  });
});
