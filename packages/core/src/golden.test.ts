/** The golden reader: verified reads, and clear errors naming the file for every kind of damage. */
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { qbenchErrorOf } from './errors.ts';
import { listGoldenFolders, openGoldenFolder } from './golden.ts';
import { goldenDir } from './test-support.ts';

const temps: string[] = [];
function copyOfQ8(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qbench-golden-'));
  temps.push(dir);
  cpSync(join(goldenDir, 'ggml', 'q8_0'), dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('golden folders', () => {
  it('reads and verifies every case of the shipped ggml q8_0 set', () => {
    const folder = openGoldenFolder(join(goldenDir, 'ggml', 'q8_0'));
    expect(folder.cases.length).toBe(13);
    for (const c of folder.cases) {
      const n = (c.meta['nrows'] as number) * (c.meta['n_per_row'] as number);
      expect(c.f32('in', n).length).toBe(n);
      expect(c.bytes('q', (n / 32) * 34).length).toBe((n / 32) * 34);
    }
  });

  it('lists a folder of folders (ggml has one per type and dot/)', () => {
    const subs = listGoldenFolders(join(goldenDir, 'ggml')).map((d) => d.split(/[\\/]/).pop());
    expect(subs).toContain('q4_0');
    expect(subs).toContain('dot');
  });

  it('a changed byte with a stale checksum is a checksum error naming the file', () => {
    const dir = copyOfQ8();
    const q = join(dir, 'gaussian.q');
    const bytes = readFileSync(q);
    bytes[100] = bytes[100]! ^ 1;
    writeFileSync(q, bytes);
    const e = qbenchErrorOf(() =>
      openGoldenFolder(dir)
        .cases.find((c) => c.name === 'gaussian')!
        .bytes('q'),
    );
    expect(e.code).toBe('golden.checksum');
    expect(e.message).toContain('gaussian.q');
  });

  it('a truncated file is reported as truncated when the size is known, naming the file', () => {
    const dir = copyOfQ8();
    truncateSync(join(dir, 'gaussian.q'), 10);
    const e = qbenchErrorOf(() =>
      openGoldenFolder(dir)
        .cases.find((c) => c.name === 'gaussian')!
        .bytes('q', 4352),
    );
    expect(e.code).toBe('golden.size');
    expect(e.message).toMatch(/gaussian\.q: truncated: 10 bytes, expected 4352/);
  });

  it('a missing file or manifest is an error naming it', () => {
    const dir = copyOfQ8();
    rmSync(join(dir, 'gaussian.out.f32'));
    const e = qbenchErrorOf(() =>
      openGoldenFolder(dir)
        .cases.find((c) => c.name === 'gaussian')!
        .bytes('out'),
    );
    expect(e.code).toBe('golden.missing');
    expect(e.message).toContain('gaussian.out.f32');
    rmSync(join(dir, 'manifest.json'));
    expect(qbenchErrorOf(() => openGoldenFolder(dir)).message).toContain('manifest.json');
  });

  it('a malformed manifest names the case that is wrong', () => {
    const dir = copyOfQ8();
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ cases: [{ name: 'x', files: { in: 'x.in.f32' } }] }),
    );
    expect(qbenchErrorOf(() => openGoldenFolder(dir)).message).toMatch(/cases\[0\]\.sha256/);
  });
});
