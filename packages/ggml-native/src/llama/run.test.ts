/**
 * Refusals and crashes are outcomes: a file llama.cpp declines comes back 'refused' with llama.cpp's own
 * reason, one that makes it abort comes back 'crashed' with the signal and the assertion, and qbench's
 * process goes on. The files are made from a small valid header by editing one KV (the GGUF writer is
 * @qbench/gguf-file's; the model weights are zeros: only loading is exercised).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { llamaAvailability, llamaLogits } from './run.ts';
import { tinyLlamaGguf } from './test-support.ts';

const avail = llamaAvailability();
const why = avail.ok ? '' : ` (skipped: ${avail.reason})`;
const tmp = mkdtempSync(join(tmpdir(), 'qbench-llama-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe(`llama.cpp child outcomes${why}`, () => {
  it.skipIf(!avail.ok)('a valid tiny model decodes: logits of every position', async () => {
    const file = join(tmp, 'ok.gguf');
    writeFileSync(file, await tinyLlamaGguf({}));
    const r = await llamaLogits(
      file,
      [
        [1, 2, 3],
        [4, 5],
      ],
      { repack: false },
    );
    if (!r.ok) throw new Error(`${r.outcome}: ${r.reason}`);
    const got: number[] = [];
    for await (const w of r.windows()) got.push(w.length);
    r.dispose();
    expect(got).toEqual([3 * 32, 2 * 32]);
    expect(r.engine.name).toMatch(/^llama\.cpp [0-9a-f]{7} \(/);
  });

  it.skipIf(!avail.ok)(
    'a head count that does not divide the width: refused, naming the tensor',
    async () => {
      const file = join(tmp, 'heads.gguf');
      writeFileSync(file, await tinyLlamaGguf({ 'llama.attention.head_count': 3 }));
      const r = await llamaLogits(file, [[1, 2, 3]]);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.outcome).toBe('refused');
      expect(r.reason).toMatch(/heads\.gguf/);
      expect(r.reason).toMatch(/error loading model.*tensor 'blk\.0\.attn_q\.weight' has wrong shape/);
    },
  );

  it.skipIf(!avail.ok)('zero layers: llama.cpp aborts, recorded as crashed with the assertion', async () => {
    const file = join(tmp, 'layers.gguf');
    writeFileSync(file, await tinyLlamaGguf({ 'llama.block_count': 0 }));
    const r = await llamaLogits(file, [[1, 2, 3]]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.outcome).toBe('crashed');
    expect(r.reason).toMatch(/SIGABRT/);
    expect(r.reason).toMatch(/GGML_ASSERT/);
  });

  it.skipIf(!avail.ok)('a token outside the vocabulary is refused before llama_decode', async () => {
    const file = join(tmp, 'ok2.gguf');
    writeFileSync(file, await tinyLlamaGguf({}));
    const r = await llamaLogits(file, [[1, 999]]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.outcome).toBe('refused');
    expect(r.reason).toMatch(/token 999 at 1 is outside the vocabulary of 32/);
  });
});
