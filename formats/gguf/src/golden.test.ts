/**
 * Every implemented ggml type against ggml's own golden vectors (datasets/golden/ggml, copied from
 * ../shared/golden with provenance): encode bit-exact (with and without importance matrix), decode
 * bit-exact (NaN-ness compared). Types without golden folders, or without an implementation, fail loudly.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  conformInterchangeFolder,
  describeMismatch,
  FORMAT_SPECS,
  loadFormat,
  openGoldenFolder,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { GGML_TYPES } from './reference/index.ts';

const goldenRoot = fileURLToPath(new URL('../../../datasets/golden/ggml', import.meta.url));
/** Regression cases the live ggml oracle wrote where qbench once diverged (datasets/golden/README.md). */
const oracleRoot = fileURLToPath(new URL('../../../datasets/golden/ggml-oracle', import.meta.url));

const ggmlSpecs = Object.values(FORMAT_SPECS).filter((s) => s.family === 'gguf');

/** Every case of the interchange folder `dir` encodes and decodes bit-exact with the reference. */
async function expectBitExact(id: string, dir: string): Promise<void> {
  const format = await loadFormat(id);
  const report = conformInterchangeFolder(format, openGoldenFolder(dir));
  const failures = report.cases.flatMap((c) =>
    c.checks
      .filter((k) => !k.ok)
      .map((k) => `${c.case} ${k.op}: ${k.mismatch ? describeMismatch(k.mismatch) : k.detail}`),
  );
  expect(report.cases.length).toBeGreaterThan(0);
  expect(failures).toEqual([]);
}

describe('ggml golden vectors', () => {
  it('every gguf spec has a reference implementation', () => {
    const missing = ggmlSpecs.map((s) => s.id).filter((id) => !GGML_TYPES[id]);
    expect(missing).toEqual([]);
  });

  for (const spec of ggmlSpecs) {
    const dir = join(goldenRoot, spec.id);
    // a spec that names its ggml golden folder needs it (a missing folder fails in expectBitExact's open)
    const named = (spec.golden ?? []).includes(`ggml/${spec.id}`);
    it.skipIf(!named && !existsSync(dir))(
      `${spec.id}: encode and decode are bit-exact on every case${named || existsSync(dir) ? '' : ` (skipped: the ${spec.id} spec names no ggml golden folder and datasets/golden/ggml/${spec.id} does not exist)`}`,
      () => expectBitExact(spec.id, dir),
    );
    const regressions = join(oracleRoot, spec.id);
    it.skipIf(!existsSync(regressions))(
      `${spec.id}: the oracle's regression cases replay bit-exact${existsSync(regressions) ? '' : ' (skipped: the live oracle has written no regression case for it in datasets/golden/ggml-oracle)'}`,
      () => expectBitExact(spec.id, regressions),
    );
  }
});
