/**
 * The loader judge: ggml's gguf_init_from_file in a child process. Against the real ggml-base (skipped,
 * with the reason, where the native package is unavailable): a ggml-written golden file is accepted, a
 * file with a bad magic and one ggml finds a duplicate tensor name in are rejected with ggml's own log
 * line. Against a stand-in worker: crashes, aborts, exits and hangs are recorded for the file they
 * happened on, and the files after it are still judged by a fresh child.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LoaderJudge } from './judge.ts';

const opened = LoaderJudge.open();
const why = opened.ok ? '' : ` (skipped: ${opened.reason})`;
const golden = fileURLToPath(new URL('../../../../datasets/golden/gguf/kv-all-types.gguf', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qbench-judge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A minimal v3 file: no KVs, the given tensor names, each f32 [1] (4 bytes) packed at 32-byte strides. */
function tensorsFile(names: readonly Uint8Array[]): Uint8Array {
  const parts: number[] = [];
  const u32 = (x: number) => parts.push(x & 255, (x >>> 8) & 255, (x >>> 16) & 255, x >>> 24);
  const u64 = (x: number) => {
    u32(x);
    u32(0);
  };
  parts.push(0x47, 0x47, 0x55, 0x46);
  u32(3);
  u64(names.length);
  u64(0);
  names.forEach((n, i) => {
    u64(n.length);
    parts.push(...n);
    u32(1);
    u64(1);
    u32(0);
    u64(32 * i);
  });
  while (parts.length % 32 !== 0) parts.push(0);
  for (let i = 0; i < names.length; i++) parts.push(0, 0, 128, 63, ...new Array(28).fill(0));
  return Uint8Array.from(parts);
}

describe(`ggml loader judge${why}`, () => {
  it.skipIf(!opened.ok)('accepts a ggml-written file and rejects bad ones with ggml’s reason', async () => {
    if (!opened.ok) return;
    const judge = opened.judge;
    const enc = new TextEncoder();
    const badMagic = join(dir, 'bad-magic.gguf');
    writeFileSync(badMagic, new Uint8Array(64));
    const good = join(dir, 'two.gguf');
    writeFileSync(good, tensorsFile([enc.encode('wa'), enc.encode('wb')]));
    // "w\0a" and "w\0b" differ as bytes, but ggml cuts names at the NUL: both are "w".
    const nul = join(dir, 'nul.gguf');
    writeFileSync(nul, tensorsFile([enc.encode('w\0a'), enc.encode('w\0b')]));
    try {
      const v = await judge.judge([golden, badMagic, good, nul]);
      expect(v.map((x) => x.outcome)).toEqual(['accepts', 'rejects', 'accepts', 'rejects']);
      expect(v[0]).toMatchObject({ nKv: 36, nTensors: 5 });
      expect(v[1]!.reason).toMatch(/magic/);
      expect(v[3]!.reason).toMatch(/duplicate tensor name 'w'/);
      expect(judge.starts).toBe(1);
    } finally {
      judge.close();
    }
  });
});

describe('loader judge crash handling (stand-in worker)', () => {
  it('records a crash, abort, exit or hang for its file and judges the rest in a fresh child', async () => {
    const workerScript = fileURLToPath(new URL('./crashy-worker.test-fixture.mjs', import.meta.url));
    const s = LoaderJudge.open({ workerScript, fileDeadlineMs: 1500 });
    if (!s.ok) throw new Error(s.reason);
    const judge = s.judge;
    try {
      const v = await judge.judge(['a.ok', 'b.segv', 'c.no', 'd.abort', 'e.exit', 'f.hang', 'g.ok']);
      expect(v.map((x) => x.outcome)).toEqual([
        'accepts',
        'crashes',
        'rejects',
        'crashes',
        'crashes',
        'crashes',
        'accepts',
      ]);
      expect(v[1]!.reason).toMatch(/SIGSEGV/);
      expect(v[3]!.reason).toMatch(/SIGABRT.*stand-in abort/);
      expect(v[4]!.reason).toMatch(/status 3/);
      expect(v[5]!.reason).toMatch(/hang/);
      expect(judge.starts).toBe(5);
    } finally {
      judge.close();
    }
  });
});
