/**
 * bitsandbytes' own vectors (datasets/golden/bnb, from csrc/kernels.cu @95f9af3 compiled for the host):
 * every stage bit-exact, with and without double quantization, through the family's GoldenHandler as
 * `qbench conform --golden datasets/golden/bnb` calls it. A doctored copy shows the checks can fail.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMismatch, loadFamily } from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';

const goldenRoot = fileURLToPath(new URL('../../../datasets/golden', import.meta.url));
const bnbRoot = join(goldenRoot, 'bnb');
const family = await loadFamily('bnb');
const handler = family.golden!;

const PLAIN_OPS = ['codes', 'absmax', 'out', 'encode', 'decode'];
const NESTED_OPS = [
  'nested_q8',
  'nested_absmax2',
  'nested_offset',
  'nested_absmax_rec',
  'nested_out',
  'encode',
  'decode',
];

describe.each(['nf4', 'fp4'])('%s golden vectors', (fmt) => {
  const dir = join(bnbRoot, fmt);

  it('are claimed by the bnb family', () => {
    expect(handler.claims(dir)).toBe(true);
  });

  it('are bit-exact in every stage of every case, plain and double-quantized', async () => {
    const report = await handler.conform(dir, {});
    const failures = report.cases.flatMap((c) =>
      c.checks
        .filter((k) => !k.ok)
        .map(
          (k) =>
            `${c.format}/${c.case} ${k.op}: ${k.mismatch ? describeMismatch(k.mismatch) : ''} ${k.detail ?? ''}`,
        ),
    );
    expect(failures).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
      cases: { name: string }[];
    };
    const names = manifest.cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['zeros', 'boundary', 'gaussian_odd_len', 'block_scales', 'sparse_zeros']),
    );
    for (const name of names) {
      const plain = report.cases.find((c) => c.format === fmt && c.case === name);
      const nested = report.cases.find((c) => c.format === `${fmt}_dq` && c.case === name);
      expect(plain?.checks.map((k) => k.op)).toEqual(PLAIN_OPS);
      expect(nested?.checks.map((k) => k.op)).toEqual(NESTED_OPS);
    }
    const tables = report.cases.find((c) => c.case === 'tables');
    expect(tables?.checks.map((k) => k.op)).toEqual(
      fmt === 'nf4'
        ? ['lut', 'thresholds', 'dynamic_map']
        : ['lut', 'thresholds', 'codeByRank', 'dynamic_map'],
    );
  });

  it('filter by format: only the double-quantized cases for the _dq id', async () => {
    const report = await handler.conform(dir, { format: `${fmt}_dq` });
    expect(report.cases.length).toBe(10);
    expect(report.cases.every((c) => c.format === `${fmt}_dq`)).toBe(true);
  });
});

describe('golden handler', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'qbench-bnb-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('does not claim other folders', () => {
    expect(handler.claims(join(goldenRoot, 'ggml', 'q4_0'))).toBe(false);
    expect(handler.claims(bnbRoot)).toBe(false);
    expect(handler.claims(join(scratch, 'missing'))).toBe(false);
  });

  it('reports a doctored code nibble with its block and offset, and a doctored offset', async () => {
    const src = join(bnbRoot, 'nf4');
    const manifest = JSON.parse(readFileSync(join(src, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    > & {
      cases: { name: string; files: Record<string, string>; sha256: Record<string, string> }[];
    };
    const gaussian = manifest.cases.find((c) => c.name === 'gaussian')!;
    for (const file of Object.values(gaussian.files)) copyFileSync(join(src, file), join(scratch, file));
    const doctor = (role: string, at: number, xor: number) => {
      const path = join(scratch, gaussian.files[role]!);
      const bytes = readFileSync(path);
      bytes[at]! ^= xor;
      writeFileSync(path, bytes);
      gaussian.sha256[role] = createHash('sha256').update(bytes).digest('hex');
    };
    doctor('q', 100, 0x01); // element 201: block 3 (64 per block), low nibble of code byte 100
    doctor('nested_offset', 0, 0x01); // last-bit change of the float32 offset
    delete manifest['nested_code'];
    writeFileSync(join(scratch, 'manifest.json'), JSON.stringify({ ...manifest, cases: [gaussian] }));

    const report = await handler.conform(scratch, {});
    const failed = report.cases.flatMap((c) =>
      c.checks.filter((k) => !k.ok).map((k) => `${c.format}:${k.op}`),
    );
    expect(failed).toEqual(
      expect.arrayContaining(['nf4:codes', 'nf4:out', 'nf4:encode', 'nf4:decode', 'nf4_dq:nested_offset']),
    );
    const codes = report.cases
      .find((c) => c.format === 'nf4' && c.case === 'gaussian')!
      .checks.find((k) => k.op === 'codes')!;
    expect(codes.mismatch).toMatchObject({ index: 100, block: 3, offsetInBlock: 4, count: 1 });
  });
});

describe('registry wiring', () => {
  it('every bnb spec loads, with bits/weight derived from its layout', async () => {
    const { loadFormat } = await import('@qbench/core');
    const expected: Record<string, number> = {
      nf4: 4.5,
      fp4: 4.5,
      nf4_bs128: 4.25,
      nf4_dq: 4 + 8 / 64 + 32 / (64 * 256),
      fp4_dq: 4 + 8 / 64 + 32 / (64 * 256),
    };
    for (const [id, bpw] of Object.entries(expected)) {
      const format = await loadFormat(id);
      expect(format.family).toBe('bnb');
      expect(format.bitsPerWeight).toBe(bpw);
    }
  });
});
