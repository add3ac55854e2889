/**
 * `qbench conform` end to end on the shipped golden set, and the two ways a golden folder can be damaged:
 * a changed byte with its checksum updated (a real mismatch: exit 1 naming case, block and byte) and a
 * changed byte with a stale checksum (exit 1 naming the file).
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const golden = fileURLToPath(new URL('../../../../datasets/golden/ggml', import.meta.url));
const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function damagedQ4_0(updateChecksum: boolean): string {
  const dir = mkdtempSync(join(tmpdir(), 'qbench-conform-'));
  temps.push(dir);
  cpSync(join(golden, 'q4_0'), dir, { recursive: true });
  const file = join(dir, 'laplace.q');
  const bytes = readFileSync(file);
  // Block 5 of row 0 starts at byte 5*18 = 90; byte 7 of that block is a code byte.
  bytes[90 + 7] = bytes[90 + 7]! ^ 0x10;
  writeFileSync(file, bytes);
  if (updateChecksum) {
    const manifestPath = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const c = manifest.cases.find((x: { name: string }) => x.name === 'laplace');
    c.sha256.q = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest));
  }
  return dir;
}

describe('qbench conform', () => {
  it('reports every q4_0 case bit-exact for encode and decode and exits 0', async () => {
    const r = await runCli(['conform', '--golden', golden, '--format', 'q4_0']);
    expect(r.err).toBe('');
    // 26 encode/decode cases from ggml/q4_0 plus ggml's vec_dot case for q4_0 from ggml/dot.
    expect(r.out).toMatch(/q4_0\s+27\s+27\/27\s+26\/26\s+1\/1\s+1\/1\s+ok/);
    expect(r.out).toContain('27 passed, 0 failed');
    expect(r.code).toBe(0);
  });

  it('a changed byte with an updated checksum fails naming the case, the block and the byte', async () => {
    const r = await runCli(['conform', '--golden', damagedQ4_0(true), '--format', 'q4_0']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL q4_0\/laplace encode: row 0, block 5, offset 7 \(index 97\): expected 0x[0-9a-f]{2}, got 0x[0-9a-f]{2}; 1 differ/,
    );
    expect(r.out).toMatch(/FAIL q4_0\/laplace decode: row 0, block 5, offset \d+/);
  });

  it('a changed byte with a stale checksum fails naming the file', async () => {
    const r = await runCli(['conform', '--golden', damagedQ4_0(false), '--format', 'q4_0']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /FAIL q4_0\/laplace golden: golden\.checksum: .*laplace\.q: sha256 [0-9a-f]{64} does not match the manifest's/,
    );
  });

  it('--json gives a machine-readable report', async () => {
    const r = await runCli(['conform', '--golden', join(golden, 'q8_0'), '--json']);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(true);
    expect(report.reports[0].cases).toHaveLength(13);
  });
});

describe('qbench CLI errors', () => {
  it('an unknown command, a bad flag and a missing folder are one-line errors with a non-zero exit', async () => {
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe(
      "qbench: unknown command 'frobnicate' (commands: " + unknown.err.split('(commands: ')[1],
    );
    const badFlag = await runCli(['formats', '--nope']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.err.trim().split('\n')).toHaveLength(1);
    const missing = await runCli(['conform', '--golden', join(tmpdir(), 'no-such-golden-folder')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^qbench: golden\.missing: .*no-such-golden-folder/);
  });
});

describe('qbench formats', () => {
  it('--json lists q8_0 and q4_0 with derived bits/weight 8.5 and 4.5', async () => {
    const r = await runCli(['formats', '--json']);
    const rows = JSON.parse(r.out) as { id: string; bitsPerWeight: number }[];
    expect(rows.find((x) => x.id === 'q8_0')?.bitsPerWeight).toBe(8.5);
    expect(rows.find((x) => x.id === 'q4_0')?.bitsPerWeight).toBe(4.5);
  });
});
