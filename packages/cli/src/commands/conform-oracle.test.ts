/**
 * `qbench conform --oracle ggml` end to end: a small run prints blocks compared per path and exits 0 with
 * no golden folder written; bad arguments are one-line errors. Skipped, with the reason, where native
 * ggml is unavailable (where the command itself exits non-zero naming why).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeGgml } from '@qbench/ggml-native';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const native = nativeGgml();
const dir = mkdtempSync(join(tmpdir(), 'qbench-oracle-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qbench conform --oracle ggml', () => {
  it.skipIf(!native.ok)(
    `compares q8_0 on every path and exits 0${native.ok ? '' : ` (skipped: ${native.reason})`}`,
    async () => {
      const out = join(dir, 'out');
      const r = await runCli([
        'conform',
        '--oracle',
        'ggml',
        '--format',
        'q8_0',
        '--blocks',
        '256',
        '--seed',
        '3',
        '--out',
        out,
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/ggml \d+\.\d+\.\d+ \(\w+\)/);
      expect(r.out).toMatch(/q8_0\s+0\/256\s+0\/256\s+0\/256\s+0\/768\s+0\/256\s+ok/);
      expect(r.out).toMatch(/no mismatches/);
      expect(existsSync(out)).toBe(false);
    },
  );

  it('rejects an unknown oracle, a bad block count and an unknown type with one-line errors', async () => {
    const bad = await runCli(['conform', '--oracle', 'onnx']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/only 'ggml' exists/);
    const blocks = await runCli(['conform', '--oracle', 'ggml', '--blocks', '0']);
    expect(blocks.err).toMatch(/--blocks must be a positive integer, got 0/);
    if (native.ok) {
      const none = await runCli(['conform', '--oracle', 'ggml', '--format', 'nf4']);
      expect(none.err).toMatch(/no ggml type 'nf4'/);
    }
  });
});
