/**
 * The vec_dot golden handler against ggml's own dot folder (datasets/golden/ggml/dot): every implemented
 * weight type re-encodes x and y bit-exactly and its vec_dot lands within the spec tolerance of ggml's
 * AVX-512 result; a damaged folder is reported, never passed.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadFamily, QbenchError } from '@qbench/core';
import { afterEach, describe, expect, it } from 'vitest';
import { claimsDotFolder, conformDotFolder } from './golden-dot.ts';
import { GGML_TYPES } from './reference/index.ts';

const goldenRoot = fileURLToPath(new URL('../../../datasets/golden/ggml', import.meta.url));
const dotDir = join(goldenRoot, 'dot');

const scratch: string[] = [];
afterEach(() => {
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A writable copy of the dot folder whose manifest is edited by `edit`. */
function damagedCopy(edit: (manifest: { cases: Record<string, unknown>[] }) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'qbench-dot-'));
  scratch.push(dir);
  cpSync(dotDir, dir, { recursive: true });
  const path = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { cases: Record<string, unknown>[] };
  edit(manifest);
  writeFileSync(path, JSON.stringify(manifest));
  return dir;
}

describe('ggml vec_dot golden handler', () => {
  it('claims the vec_dot folder and nothing else', () => {
    expect(claimsDotFolder(dotDir)).toBe(true);
    expect(claimsDotFolder(join(goldenRoot, 'q4_0'))).toBe(false);
    expect(claimsDotFolder(join(goldenRoot, 'no-such-folder'))).toBe(false);
  });

  it('is the gguf family golden handler', async () => {
    const family = await loadFamily('gguf');
    expect(family.golden?.claims(dotDir)).toBe(true);
  });

  it('every implemented type encodes x and y bit-exactly and dots within tolerance, per row', async () => {
    const report = await conformDotFolder(dotDir);
    expect(report.cases).toHaveLength(18); // 15 from the shared set + nvfp4, q1_0, q2_0 added from the live library
    for (const c of report.cases) {
      if (!GGML_TYPES[c.format]) {
        // Not implemented: visible skips, not passes.
        expect(c.checks.every((k) => k.skipped !== undefined)).toBe(true);
        continue;
      }
      const failures = c.checks
        .filter((k) => !k.ok)
        .map((k) => `${c.case} ${k.op}: ${k.skipped ?? k.detail}`);
      expect(failures).toEqual([]);
      // 4 rows × (encode, partner, dot).
      expect(c.checks.map((k) => k.op).sort()).toEqual([
        ...Array(4).fill('dot'),
        ...Array(4).fill('encode'),
        ...Array(4).fill('partner'),
      ]);
    }
  });

  it('checks only the requested format', async () => {
    const report = await conformDotFolder(dotDir, { format: 'q6_k' });
    expect(report.cases.map((c) => c.case)).toEqual(['q6_k·q8_k']);
    expect((await conformDotFolder(dotDir, { format: 'nf4' })).cases).toEqual([]);
  });

  it('checks a partner-only type through every case that pairs with it', async () => {
    const report = await conformDotFolder(dotDir, { format: 'q8_k' });
    expect(report.cases.map((c) => c.case)).toEqual([
      'q2_k·q8_k (partner)',
      'q3_k·q8_k (partner)',
      'q4_k·q8_k (partner)',
      'q5_k·q8_k (partner)',
      'q6_k·q8_k (partner)',
      'iq4_xs·q8_k (partner)',
      'tq1_0·q8_k (partner)',
      'tq2_0·q8_k (partner)',
    ]);
    for (const c of report.cases) {
      expect(c.format).toBe('q8_k');
      expect(c.checks.map((k) => [k.op, k.ok])).toEqual(Array(4).fill(['partner', true]));
    }
  });

  it('fails the dot check when ggml’s value is off by more than the tolerance', async () => {
    const dir = damagedCopy((m) => {
      const c = m.cases.find((k) => k['x_type'] === 'mxfp4')!;
      // Row 1's expected value replaced by 1.0f.
      (c['ggml_cpu_vec_dot'] as { bits: string }[])[1]!.bits = '0x3F800000';
    });
    const report = await conformDotFolder(dir, { format: 'mxfp4' });
    const failed = report.cases[0]!.checks.filter((k) => !k.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.op).toBe('dot');
    expect(failed[0]!.detail).toMatch(/^row 1: .*ggml_cpu_vec_dot 1 \(0x3F800000\)/);
  });

  it('reports an encode mismatch with its row and block, and only in that row', async () => {
    const dir = damagedCopy((m) => {
      const c = m.cases.find((k) => k['x_type'] === 'q3_k')!;
      (c['files'] as Record<string, string>)['x_q'] = 'q3_k.bad.q';
      (c['sha256'] as Record<string, string>)['x_q'] = 'PLACEHOLDER';
    });
    // Flip one byte of row 2, block 1 and record the matching checksum, so only the content differs.
    const bytes = new Uint8Array(readFileSync(join(dir, 'q3_k.x.q')));
    const at = 2 * 4 * 110 + 110 + 100;
    bytes[at] = bytes[at]! ^ 0x01;
    writeFileSync(join(dir, 'q3_k.bad.q'), bytes);
    const { createHash } = await import('node:crypto');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(manifestPath, readFileSync(manifestPath, 'utf8').replace('PLACEHOLDER', sha));
    const report = await conformDotFolder(dir, { format: 'q3_k' });
    const failed = report.cases[0]!.checks.filter((k) => !k.ok);
    // The golden x_q row no longer matches our encoding; its dot (computed from the golden bytes) may move too.
    expect(failed[0]!.op).toBe('encode');
    expect(failed[0]!.mismatch).toMatchObject({ row: 2, block: 1, offsetInBlock: 100, count: 1 });
    expect(failed.every((k) => k.detail?.startsWith('row 2'))).toBe(true);
  });

  it('rejects a file whose checksum does not match, naming the file', async () => {
    const dir = damagedCopy((m) => {
      const c = m.cases.find((k) => k['x_type'] === 'q4_0')!;
      (c['sha256'] as Record<string, string>)['y_q'] = '0'.repeat(64);
    });
    const err = await conformDotFolder(dir, { format: 'q4_0' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QbenchError);
    expect((err as QbenchError).code).toBe('golden.checksum');
    expect((err as QbenchError).message).toContain('q4_0.y.q8_0.q');
  });

  it('rejects a manifest case with the wrong number of per-row results', async () => {
    const dir = damagedCopy((m) => {
      (m.cases[0]!['ggml_cpu_vec_dot'] as unknown[]).pop();
    });
    await expect(conformDotFolder(dir)).rejects.toThrow(
      /cases\[0\]: ggml_cpu_vec_dot .* one value per row \(4\)/,
    );
  });
});
