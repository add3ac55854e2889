/**
 * Split sets and directories, on files written with the project's writer in gguf-split's layout: a
 * consistent set scans clean part by part; each inconsistency (missing part, wrong index, tensor count,
 * duplicate tensor, metadata only in a later part) is an error or warning on the part it concerns; any
 * part's name finds the set; a directory scan reports every file and exits with the worst code.
 */
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanTarget, worstExitCode } from './scan-files.ts';
import { splitName, splitPath } from './split.ts';
import type { GgufValue } from './values.ts';
import { type GgufWriteTensor, writeGguf } from './write.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbench-split-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tensor = (name: string, fill = 1): GgufWriteTensor => ({
  name,
  type: 'f32',
  dims: [4],
  data: new Uint8Array(new Float32Array([fill, fill, fill, fill]).buffer),
});

interface PartSpec {
  no?: number;
  count?: number;
  total?: number;
  extra?: [string, GgufValue][];
  tensors: GgufWriteTensor[];
}

/** Write parts as gguf-split does: split.no u16, split.count u16, split.tensors.count i32; metadata in part 1. */
async function writeSet(prefix: string, parts: PartSpec[], skip: number[] = []): Promise<string[]> {
  const paths: string[] = [];
  for (const [i, p] of parts.entries()) {
    const path = splitPath(join(dir, prefix), i + 1, parts.length);
    paths.push(path);
    if (skip.includes(i + 1)) continue;
    const meta: [string, GgufValue][] = [];
    if (i === 0) meta.push(['general.architecture', { type: 'str', value: 'llama' }]);
    meta.push(['split.no', { type: 'u16', value: p.no ?? i }]);
    meta.push(['split.count', { type: 'u16', value: p.count ?? parts.length }]);
    meta.push(['split.tensors.count', { type: 'i32', value: p.total ?? 4 }]);
    meta.push(...(p.extra ?? []));
    await writeFile(path, await writeGguf({ metadata: meta, tensors: p.tensors }));
  }
  return paths;
}

const good = (): PartSpec[] => [
  { tensors: [tensor('a'), tensor('b')] },
  { tensors: [tensor('c')] },
  { tensors: [tensor('d')] },
];

const codes = (s: { report?: { findings: { code: string }[] } }) =>
  (s.report?.findings ?? []).map((f) => f.code).filter((c) => c.startsWith('split.'));

describe('split GGUF sets', () => {
  it('names parts as llama_split_path does', () => {
    expect(splitPath('m', 2, 3)).toBe('m-00002-of-00003.gguf');
    expect(splitName('dir/model-q4-00001-of-00012.gguf')).toEqual({
      prefix: 'dir/model-q4',
      part: 1,
      count: 12,
    });
    expect(splitName('model.gguf')).toBeUndefined();
  });

  it('a consistent set: every part scanned, none with a finding', async () => {
    const [first] = await writeSet('m', good());
    const scans = await scanTarget(first!);
    expect(scans.map((s) => [s.split, s.report?.verdict])).toEqual([
      [{ part: 1, count: 3 }, 'clean'],
      [{ part: 2, count: 3 }, 'clean'],
      [{ part: 3, count: 3 }, 'clean'],
    ]);
    expect(worstExitCode(scans)).toBe(0);
  });

  it('finds the set from a later part', async () => {
    const paths = await writeSet('m', good());
    expect((await scanTarget(paths[1]!)).map((s) => s.path)).toEqual(paths);
  });

  it('a missing part is an error on part 1 and an unreadable entry', async () => {
    const [first] = await writeSet('m', good(), [3]);
    const scans = await scanTarget(first!);
    expect(codes(scans[0]!)).toEqual(['split.missing-part']);
    expect(scans[0]!.report!.findings.find((f) => f.code === 'split.missing-part')!.message).toMatch(
      /part 3 of 3 '.*m-00003-of-00003\.gguf' cannot be read/,
    );
    expect(scans[2]!.report).toBeUndefined();
    expect(scans[2]!.error).toContain('cannot open');
    expect(worstExitCode(scans)).toBe(2);
  });

  it('a wrong split.no, a wrong tensor total, a duplicate tensor and metadata only in a later part', async () => {
    const parts = good();
    parts[1] = {
      no: 2,
      tensors: [tensor('c')],
      extra: [['tokenizer.chat_template', { type: 'str', value: '{{ messages }}' }]],
    };
    parts[2] = { tensors: [tensor('a', 2)] };
    const [first] = await writeSet('m', parts);
    const scans = await scanTarget(first!);
    expect(codes(scans[0]!)).toEqual([]);
    expect(codes(scans[1]!).sort()).toEqual(['split.metadata', 'split.metadata-mismatch']);
    expect(scans[1]!.report!.findings.find((f) => f.code === 'split.metadata')!.message).toBe(
      'part 2 of 3: split.no = 2, expected 1 (its 0-based index from the file name)',
    );
    const dup = scans[2]!.report!.findings.find((f) => f.code === 'split.tensor-duplicate')!;
    expect(dup).toMatchObject({ tensor: 'a', message: "part 3 of 3: tensor 'a' is also in part 1" });
  });

  it('tensors that do not add up to split.tensors.count', async () => {
    const parts = good().map((p) => ({ ...p, total: 5 }));
    const [first] = await writeSet('m', parts);
    const scans = await scanTarget(first!);
    expect(scans[0]!.report!.findings.find((f) => f.code === 'split.tensor-count')!.message).toBe(
      'the 3 parts hold 4 tensors, split.tensors.count says 5',
    );
  });

  it('split.count > 1 in a file whose name hides the other parts', async () => {
    const path = join(dir, 'renamed.gguf');
    await writeFile(
      path,
      await writeGguf({
        metadata: [
          ['general.architecture', { type: 'str', value: 'llama' }],
          ['split.no', { type: 'u16', value: 0 }],
          ['split.count', { type: 'u16', value: 2 }],
        ],
        tensors: [tensor('a')],
      }),
    );
    expect(codes((await scanTarget(path))[0]!)).toEqual(['split.name']);
  });
});

describe('directory scan', () => {
  it('reports every GGUF (split sets grouped) and exits with the worst code', async () => {
    await writeSet('m', good());
    const nan = new Float32Array([1, Number.NaN, 1, 1]);
    await writeFile(
      join(dir, 'nan.gguf'),
      await writeGguf({
        metadata: [['general.architecture', { type: 'str', value: 'llama' }]],
        tensors: [{ name: 'w', type: 'f32', dims: [4], data: new Uint8Array(nan.buffer) }],
      }),
    );
    await writeFile(join(dir, 'notes.txt'), 'not a model');
    await writeFile(join(dir, 'broken.gguf'), 'GGUF');
    const scans = await scanTarget(dir);
    expect(scans.map((s) => [s.path.slice(dir.length + 1), s.report?.verdict])).toEqual([
      ['broken.gguf', 'malformed'],
      ['m-00001-of-00003.gguf', 'clean'],
      ['m-00002-of-00003.gguf', 'clean'],
      ['m-00003-of-00003.gguf', 'clean'],
      ['nan.gguf', 'suspicious'],
    ]);
    expect(scans[4]!.report!.findings.map((f) => f.code)).toEqual(['content.nonfinite']);
    expect(worstExitCode(scans)).toBe(2);
    await unlink(join(dir, 'broken.gguf'));
    expect(worstExitCode(await scanTarget(dir))).toBe(1);
  });
});
