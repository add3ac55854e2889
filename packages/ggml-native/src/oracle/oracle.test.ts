/**
 * The bounded smoke of `qbench conform --oracle ggml`: every ggml type in the registry against live ggml on
 * every path that applies, a few thousand blocks each, and zero mismatching blocks. Where the native
 * package is unavailable every case is reported as skipped with the reason, never passed.
 */
import { describe, expect, it } from 'vitest';
import { nativeGgml } from '../index.ts';
import { runOracle } from './harness.ts';
import { oracleTypes } from './types.ts';

const native = nativeGgml();
const why = native.ok ? '' : ` (skipped: native ggml unavailable: ${native.reason})`;
if (!native.ok) console.warn(`oracle smoke skipped: ${native.reason}`);
const types = await oracleTypes();
/** Blocks per path: 2k 256-element super-blocks, 4k 32-element blocks (decode_ggml decodes every encode path's output); the nightly runs 1M. */
const blocksFor = (blockElements: number) => (blockElements >= 256 ? 2048 : 4096);

describe(`ggml oracle smoke${why}`, () => {
  it('takes every gguf spec with a ggml type id from the registry', () => {
    expect(types.length).toBeGreaterThanOrEqual(17);
  });

  for (const t of types) {
    it.skipIf(!native.ok)(`${t.id}: qbench = ggml on every path`, () => {
      if (!native.ok) return;
      const r = runOracle(native.ggml, t, {
        blocks: blocksFor(t.blockElements),
        seed: 20261207,
        maxCases: 3,
      });
      const report = r.paths.map((p) =>
        p.skipped ? `${p.path}: skipped` : `${p.path}: ${p.mismatchedBlocks}/${p.blocks}`,
      );
      const first = r.paths.flatMap((p) =>
        p.cases.map(
          (c) =>
            `${c.path} row ${c.row} block ${c.diff.block} @${c.diff.offset}: ggml ${c.diff.expected}, qbench ${c.diff.got}`,
        ),
      );
      expect(first).toEqual([]);
      expect(report.filter((l) => !l.endsWith('skipped')).every((l) => l.includes(': 0/'))).toBe(true);
      // Every type decodes, and every type qbench can encode is compared on at least one encode path.
      const ran = r.paths.filter((p) => !p.skipped && p.blocks > 0).map((p) => p.path);
      // ggml has no row decoder for q8_1, and f32's bytes are its values (no to_float to compare against).
      if (t.id !== 'q8_1' && t.id !== 'f32') expect(ran).toContain('decode_random');
      if (!t.encodeUnavailable) expect(ran.some((p) => p === 'ref' || p === 'chunk')).toBe(true);
    });
  }
});
