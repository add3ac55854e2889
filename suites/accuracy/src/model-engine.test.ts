/**
 * The model level on llama.cpp, on the llama fixture: records of both engines with the engine named; the f32
 * model's perplexity from llama.cpp equals the TypeScript forward's (the same model, float32 vs float64);
 * llama.cpp's statistics for a quantized file are close to the TypeScript ones (they differ by llama.cpp's
 * q8 activation rounding); and the user path (`--model base.gguf --compare quant.gguf --text`) over the same
 * text reproduces the fixture item's llama.cpp numbers exactly. Skipped with the reason without the package.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { llamaAvailability } from '@qbench/ggml-native';
import {
  ensureLlamaFixture,
  LLAMA_FIXTURE_CONFIG,
  readLlamaFixtureWeights,
  writeLlamaFixtureAs,
} from '@qbench/models';
import { afterAll, describe, expect, it } from 'vitest';
import { llamaCompareLevel, llamaFixtureLevel, llamaSweepLevel } from './model-engine.ts';

const avail = llamaAvailability();
const why = avail.ok ? '' : ` (skipped: ${avail.reason})`;
const tmp = mkdtempSync(join(tmpdir(), 'qbench-model-engine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type R = Awaited<ReturnType<typeof llamaFixtureLevel>>[number];
const pick = (recs: R[], backend: string) =>
  Object.fromEntries(recs.filter((r) => r.backend === backend).map((r) => [r.metric, r]));

describe(`model level on llama.cpp${why}`, () => {
  let q4: R[] = [];

  it.skipIf(!avail.ok)(
    'q4_k: llama.cpp figures next to the TypeScript ones, engine named',
    async () => {
      q4 = await llamaFixtureLevel('q4_k');
      const ts = pick(q4, 'reference');
      const ll = pick(q4, 'external');
      for (const m of ['kl_divergence', 'top1_agreement', 'rms_delta_p', 'perplexity_q', 'perplexity_fp']) {
        expect(ts[m]?.error).toBeUndefined();
        expect(ll[m]?.error).toBeUndefined();
        expect(typeof ll[m]?.value).toBe('number');
      }
      expect(String(ll['kl_divergence']!.details!['engine'])).toMatch(/^llama\.cpp [0-9a-f]{7}/);
      expect(ts['kl_divergence']!.details!['engine']).toMatch(/TypeScript/);
      const d = ll['kl_divergence']!.details!;
      for (const k of ['kl_p50', 'kl_p99', 'kl_p999', 'kl_max']) expect(typeof d[k]).toBe('number');
      expect(
        d['kl_p50']! <= d['kl_p99']! && d['kl_p99']! <= d['kl_p999']! && d['kl_p999']! <= d['kl_max']!,
      ).toBe(true);
      // The f32 model is the same model on both engines: float32 llama.cpp vs float64 TypeScript.
      const pf = [ll['perplexity_fp']!.value as number, ts['perplexity_fp']!.value as number];
      expect(Math.abs(pf[0]! - pf[1]!) / pf[1]!).toBeLessThan(1e-4);
      // The quantized model: llama.cpp also rounds activations to q8_K; the statistics stay close.
      const kl = [ll['kl_divergence']!.value as number, ts['kl_divergence']!.value as number];
      expect(kl[0]).toBeGreaterThan(0);
      expect(Math.abs(kl[0]! - kl[1]!)).toBeLessThan(0.5 * kl[1]! + 1e-4);
      const pq = [ll['perplexity_q']!.value as number, ts['perplexity_q']!.value as number];
      expect(Math.abs(pq[0]! - pq[1]!) / pq[1]!).toBeLessThan(0.02);
      console.log(
        'fixture-llama q4_k',
        JSON.stringify({
          llama: Object.fromEntries(Object.entries(ll).map(([k, r]) => [k, r.value])),
          ts: Object.fromEntries(Object.entries(ts).map(([k, r]) => [k, r.value])),
        }),
      );
    },
    180_000,
  );

  it.skipIf(!avail.ok)(
    '--model base.gguf --compare quant.gguf reproduces the fixture item exactly',
    async () => {
      const dir = await ensureLlamaFixture();
      // The fixture item wrote its quantized file to a temporary folder; write the same one here.
      const quant = join(tmp, 'quant-q4_k.gguf');
      await writeLlamaFixtureAs(
        await readLlamaFixtureWeights(dir, LLAMA_FIXTURE_CONFIG.model),
        LLAMA_FIXTURE_CONFIG.model,
        'q4_k',
        quant,
      );
      const recs = await llamaCompareLevel(join(dir, 'model-f32.gguf'), quant, join(dir, 'eval.txt'));
      const got = pick(recs, 'external');
      const want = pick(q4, 'external');
      expect(got['kl_divergence']?.error).toBeUndefined();
      for (const m of ['kl_divergence', 'top1_agreement', 'rms_delta_p', 'perplexity_q', 'perplexity_fp'])
        expect(got[m]!.value).toBe(want[m]!.value);
      expect(got['kl_divergence']!.details).toMatchObject({
        context: 64,
        tokens: (await readFile(join(dir, 'eval.txt'), 'utf8')).length,
      });
    },
    180_000,
  );

  it.skipIf(!avail.ok)(
    '--model base.gguf (a sweep): qbench quantizes the base, llama.cpp agrees with the fixture item',
    async () => {
      const dir = await ensureLlamaFixture();
      const recs = await llamaSweepLevel(join(dir, 'model-f32.gguf'), 'q4_k', join(dir, 'eval.txt'));
      const got = pick(recs, 'external');
      const want = pick(q4, 'external');
      expect(got['kl_divergence']?.error).toBeUndefined();
      // Same matrices, same codec, same llama.cpp: the same numbers to the last bit.
      for (const m of ['kl_divergence', 'top1_agreement', 'rms_delta_p', 'perplexity_q', 'perplexity_fp'])
        expect(got[m]!.value).toBe(want[m]!.value);
      expect(got['kl_divergence']!.kernel).toBe('q4_k/model/llama.cpp');
      expect(got['kl_divergence']!.details).toMatchObject({
        quantized_by: 'qbench',
        tensors_quantized: 9,
        tensors_kept: [
          { name: 'blk.0.attn_norm.weight', reason: 'not a matrix' },
          { name: 'blk.0.ffn_norm.weight', reason: 'not a matrix' },
          { name: 'output_norm.weight', reason: 'not a matrix' },
        ],
      });
    },
    180_000,
  );

  it.skipIf(!avail.ok)(
    'a file llama.cpp refuses is an error record naming the file, not a crash',
    async () => {
      const dir = await ensureLlamaFixture();
      const bad = join(tmp, 'truncated.gguf');
      const bytes = await readFile(join(dir, 'model-f32.gguf'));
      await writeFile(bad, bytes.subarray(0, bytes.length >> 1));
      const recs = await llamaCompareLevel(join(dir, 'model-f32.gguf'), bad, join(dir, 'eval.txt'));
      expect(recs).toHaveLength(1);
      expect(recs[0]!.value).toBeNull();
      expect(recs[0]!.error).toMatch(/truncated\.gguf/);
    },
    120_000,
  );
});
