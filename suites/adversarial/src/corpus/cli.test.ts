/**
 * `qbench scan` and `qbench inspect` end to end, through the real CLI binary, on corpus files written to
 * a temporary folder: exit 0 clean, 1 suspicious, 2 malformed; --json carries the finding codes.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCorpus } from './write.ts';

const bin = fileURLToPath(new URL('../../../../packages/cli/bin/qbench.mjs', import.meta.url));
const exec = promisify(execFile);

async function qbench(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [bin, ...args], { maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbench-corpus-'));
  const entries = await writeCorpus(dir);
  expect(entries.length).toBeGreaterThanOrEqual(60);
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('qbench scan / inspect CLI', () => {
  it('exits 0, 1 and 2 for clean, suspicious and malformed files', async () => {
    const clean = await qbench('scan', join(dir, 'control-valid.gguf'));
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('CLEAN');

    const suspicious = await qbench('scan', join(dir, 'template-ssti-mro.gguf'), '--json');
    expect(suspicious.code).toBe(1);
    const report = JSON.parse(suspicious.stdout) as {
      verdict: string;
      findings: { code: string; key?: string }[];
    };
    expect(report.verdict).toBe('suspicious');
    expect(report.findings).toContainEqual(
      expect.objectContaining({ code: 'template.unsafe', key: 'tokenizer.chat_template' }),
    );

    const malformed = await qbench('scan', join(dir, 'kv-cve-2024-25664.gguf'));
    expect(malformed.code).toBe(2);
    expect(malformed.stdout).toMatch(/error\s+header\.kv-count\s+16/);

    const missing = await qbench('scan', join(dir, 'no-such-file.gguf'));
    expect(missing.code).toBe(2);
  });

  it('inspect shows tensors and refuses a malformed file in one line', async () => {
    const ok = await qbench('inspect', join(dir, 'control-valid.gguf'), '--json');
    expect(ok.code).toBe(0);
    const view = JSON.parse(ok.stdout) as { tensors: { name: string; type: string; bytes: number }[] };
    expect(view.tensors).toContainEqual(
      expect.objectContaining({ name: 'token_embd.weight', type: 'q8_0', bytes: 68 }),
    );
    const bad = await qbench('inspect', join(dir, 'offset-wraps.gguf'));
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('gguf.malformed');
  });
});
