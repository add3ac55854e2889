/**
 * `qbench scan FILE.gguf --reference fp.safetensors` through the real CLI binary: an attacked GGUF written
 * by the suite exits 1 and names the tensors and the evidence; the honest quantization of a benign model
 * exits 0.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadFormat } from '@qbench/core';
import { encodeSafetensors } from '@qbench/models';
import { afterAll, describe, expect, it } from 'vitest';
import { pairGguf } from './gguf-pair.ts';
import { attackedPair, benignPairs, type ModelPair } from './population.ts';
import { prepared } from './suite-items.ts';

const bin = fileURLToPath(new URL('../../../../packages/cli/bin/qbench.mjs', import.meta.url));
const exec = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function qbench(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await exec(process.execPath, [bin, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, stdout: err.stdout };
  }
}

/** The pair as files: the GGUF a user would deploy and the full-precision reference they publish. */
async function writePair(pair: ModelPair): Promise<{ gguf: string; reference: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'qbench-scan-ref-'));
  dirs.push(dir);
  const gguf = join(dir, 'model.gguf');
  const reference = join(dir, 'model.safetensors');
  await writeFile(gguf, await pairGguf(pair));
  const tensors = pair.tensors.map((t) => ({
    name: t.name,
    shape: [t.reference.length / t.nPerRow, t.nPerRow],
    data: t.reference,
  }));
  await writeFile(reference, encodeSafetensors(tensors));
  return { gguf, reference };
}

describe('qbench scan --reference', () => {
  it('exits 1 on an attacked q4_0 GGUF and names the tensors and the evidence; 0 on a benign one', async () => {
    const q4 = await loadFormat('q4_0');
    const p = prepared({ quick: true }, 3, q4);
    const attacked = await writePair(attackedPair(p, q4));
    const r = await qbench('scan', attacked.gguf, '--reference', attacked.reference);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/fc1\.weight.*residual-spike/);
    expect(r.stdout).toMatch(/score [\d.]+ > threshold [\d.]+/);
    const benign = await writePair(benignPairs(p, q4)[0]!);
    const ok = await qbench('scan', benign.gguf, '--reference', benign.reference);
    expect(ok.code).toBe(0);
  });
});
