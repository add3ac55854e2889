/**
 * Mismatch → golden folder → replay: a case the oracle writes verifies (sha256, sizes) and replays through
 * the interchange reader without the native library, failing exactly where qbench differed from ggml and
 * passing for a codec that agrees. With native ggml, a codec with a planted one-byte bug is caught by the
 * harness at the planted blocks, and its folder replays the same verdicts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  caseOk,
  conformInterchangeCase,
  type Format,
  loadFormat,
  openGoldenFolder,
  type ReferenceCodec,
} from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { type NativeGgmlInfo, nativeGgml } from '../index.ts';
import { generateRow, rowSeed } from './generators.ts';
import { writeOracleGolden } from './golden-out.ts';
import { type OracleCase, runOracle } from './harness.ts';
import { oracleTypes } from './types.ts';

const native = nativeGgml();
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'qbench-oracle-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const fakeInfo: NativeGgmlInfo = {
  available: true,
  package: '@node-llama-cpp/test',
  packageVersion: '0.0.0',
  ggmlVersion: '0.0.0',
  ggmlCommit: 'test',
  llamaCpp: { repo: null, release: null },
  buildMetadata: null,
  cpuVariant: 'none',
  cpuScores: {},
};

const q4_0 = await loadFormat('q4_0');
const T = { id: 'q4_0', ggmlTypeId: 2, blockElements: 32, blockBytes: 18 };

/** q4_0 with a planted encode bug: the low bit of byte 2 of every 5th block flips. */
function plantBug(format: Format): ReferenceCodec {
  return {
    ...format.reference,
    encode(x, options) {
      const q = format.reference.encode(x, options);
      for (let b = 0; b * 18 < q.length; b += 5) q[b * 18 + 2]! ^= 1;
      return q;
    },
  };
}

function replay(format: Format, dir: string) {
  return openGoldenFolder(dir).cases.map((c) => ({
    name: c.name,
    result: conformInterchangeCase(format, c),
  }));
}

describe('oracle mismatch → golden folder → replay', () => {
  it('writes encode and decode-only cases that verify and replay without ggml', () => {
    const x = new Float32Array(256);
    generateRow(rowSeed(3, 1, 0), 32, x);
    const q = q4_0.reference.encode(x, { nPerRow: 256 });
    const out = q4_0.reference.decode(q, 256);
    const ggmlQ = q.slice();
    ggmlQ[3 * 18 + 7]! ^= 0x10; // "ggml" disagrees in block 3, byte 7
    const base = { type: 'q4_0', seed: 3, nPerRow: 256, mismatchedBlocks: 1, ggmlCall: 'test' } as const;
    const cases: OracleCase[] = [
      {
        ...base,
        path: 'chunk',
        row: 0,
        diff: { block: 3, offset: 7, expected: '', got: '', count: 1 },
        x,
        q: ggmlQ,
        out,
      },
      {
        ...base,
        path: 'decode_random',
        row: 1,
        diff: { block: 0, offset: 0, expected: '', got: '', count: 1 },
        q,
        out,
      },
    ];
    const dir = tmp();
    const folder = writeOracleGolden(dir, T, cases, fakeInfo);
    writeOracleGolden(dir, T, cases, fakeInfo); // idempotent: no duplicate cases
    const replayed = replay(q4_0, folder);
    expect(replayed.map((r) => r.name)).toEqual(['chunk_s3_r0', 'decode_random_s3_r1']);
    const enc = replayed[0]!.result.checks.find((k) => k.op === 'encode')!;
    expect(enc.ok).toBe(false);
    expect([enc.mismatch?.block, enc.mismatch?.offsetInBlock]).toEqual([3, 7]);
    expect(replayed[0]!.result.checks.find((k) => k.op === 'decode')?.ok).toBe(false); // ggml's q decodes differently
    expect(replayed[1]!.result.checks.map((k) => k.op)).toEqual(['decode']);
    expect(caseOk(replayed[1]!.result)).toBe(true);
    expect(openGoldenFolder(folder).manifest['source']).toMatch(/ggml 0\.0\.0 \(commit test\)/);
  });

  it.skipIf(!native.ok)(
    `catches a planted one-byte encode bug at exactly the planted blocks${native.ok ? '' : ` (skipped: ${native.ok || native.reason})`}`,
    async () => {
      if (!native.ok) return;
      const [t] = await oracleTypes('q4_0');
      const buggy = { ...t!, codec: plantBug(q4_0) };
      const r = runOracle(native.ggml, buggy, { blocks: 640, seed: 11, maxCases: 2 });
      const chunk = r.paths.find((p) => p.path === 'chunk')!;
      // Rows are encoded 16 at a time (128 blocks per call): every 5th block of each call flips.
      expect(chunk.blocks).toBe(640);
      expect(chunk.mismatchedBlocks).toBe(5 * Math.ceil(128 / 5));
      expect(r.paths.find((p) => p.path === 'decode_ggml')!.mismatchedBlocks).toBe(0);
      const c = chunk.cases[0]!;
      expect([c.row, c.diff.block, c.diff.offset]).toEqual([0, 0, 2]);
      const folder = writeOracleGolden(tmp(), t!, chunk.cases, native.ggml.info);
      const buggyFormat: Format = { ...q4_0, reference: buggy.codec };
      expect(replay(buggyFormat, folder).every((x) => !caseOk(x.result))).toBe(true);
      expect(replay(q4_0, folder).every((x) => caseOk(x.result))).toBe(true);
    },
  );

  it.skipIf(!native.ok)(
    `catches a planted decode bug on ggml's bytes and on random bytes${native.ok ? '' : ` (skipped: ${native.ok || native.reason})`}`,
    async () => {
      if (!native.ok) return;
      const [t] = await oracleTypes('q4_0');
      // Element 5 of every 7th block comes out negated (a zero stays a zero: −0 differs from +0 bitwise).
      const codec: ReferenceCodec = {
        ...q4_0.reference,
        decode(q, n) {
          const y = q4_0.reference.decode(q, n);
          for (let b = 0; b * 32 < n; b += 7) y[b * 32 + 5] = -y[b * 32 + 5]!;
          return y;
        },
      };
      const r = runOracle(native.ggml, { ...t!, codec }, { blocks: 512, seed: 4, maxCases: 1 });
      for (const path of ['decode_ggml', 'decode_random'] as const) {
        const p = r.paths.find((x) => x.path === path)!;
        expect(p.mismatchedBlocks).toBeGreaterThan(0);
        expect(p.cases[0]!.diff.offset).toBe(5);
        expect(p.cases[0]!.x).toBeUndefined(); // decode-only: replays without an input
      }
      expect(r.paths.find((x) => x.path === 'chunk')!.mismatchedBlocks).toBe(0);
    },
  );
});
