/**
 * `qbench run --suite accuracy --model base.gguf --compare quant.gguf --text FILE` end to end on the llama
 * fixture: only the comparison is planned, it runs on llama.cpp, and results.json holds llama.cpp's
 * statistics with the engine named. `--compare` without a GGUF base is refused. Skipped with the reason
 * where the native package is unavailable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { llamaAvailability } from '@qbench/ggml-native';
import {
  ensureLlamaFixture,
  LLAMA_FIXTURE_CONFIG,
  readLlamaFixtureWeights,
  writeLlamaFixtureAs,
} from '@qbench/models';
import { readResultsFile } from '@qbench/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const avail = llamaAvailability();
const why = avail.ok ? '' : ` (skipped: ${avail.reason})`;
let dir = '';
let fixture = '';
let quant = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qbench-run-llama-'));
  if (!avail.ok) return;
  fixture = await ensureLlamaFixture();
  quant = join(dir, 'quant-q8_0.gguf');
  const c = LLAMA_FIXTURE_CONFIG.model;
  await writeLlamaFixtureAs(await readLlamaFixtureWeights(fixture, c), c, 'q8_0', quant);
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe(`qbench run --model base.gguf --compare quant.gguf${why}`, () => {
  it('refuses --compare without a GGUF --model', async () => {
    const r = await runCli([
      'run',
      '--suite',
      'accuracy',
      '--compare',
      fileURLToPath(import.meta.url),
      '--out',
      join(dir, 'x'),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--compare QUANT\.gguf needs --model BASE\.gguf/);
  });

  it.skipIf(!avail.ok)(
    "plans the one comparison and records llama.cpp's statistics",
    async () => {
      const base = join(fixture, 'model-f32.gguf');
      const args = [
        'run',
        '--suite',
        'accuracy',
        '--model',
        base,
        '--compare',
        quant,
        '--text',
        join(fixture, 'eval.txt'),
      ];
      const list = await runCli([...args, '--list']);
      expect(list.code, list.err).toBe(0);
      expect(list.out.trim().split('\n')).toEqual(['accuracy:accuracy/model-llama/compare\t20']);
      const out = join(dir, 'out');
      const r = await runCli([...args, '--out', out, '--no-site']);
      expect(r.code, r.err).toBe(0);
      const recs = readResultsFile(join(out, 'results.json')).records;
      expect(recs.map((x) => x.metric).sort()).toEqual(
        ['kl_divergence', 'perplexity_fp', 'perplexity_q', 'rms_delta_p', 'top1_agreement'].sort(),
      );
      for (const x of recs) {
        expect(x.error).toBeUndefined();
        expect(x.backend).toBe('external');
        expect(x.dataset).toBe('model:model-f32.gguf');
      }
      const kl = recs.find((x) => x.metric === 'kl_divergence')!;
      expect(String(kl.details?.['engine'])).toMatch(/^llama\.cpp /);
      expect(kl.value as number).toBeGreaterThan(0);
      expect(kl.value as number).toBeLessThan(1e-3); // q8_0 of a small model: tiny but nonzero
      expect(recs.find((x) => x.metric === 'top1_agreement')!.value as number).toBeGreaterThan(0.95);
    },
    180_000,
  );
});
