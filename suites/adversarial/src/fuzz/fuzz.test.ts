/**
 * Fuzz the scanner with structure-aware mutants of valid files. QBENCH_FUZZ_CASES sets the count
 * (default 300 here; the nightly runs 10,000). The bar: zero crashes, zero hangs, and every report in
 * agreement with the strict reader and the writer.
 */
import { describe, expect, it } from 'vitest';
import { runFuzz } from './fuzz.ts';
import { defaultSeeds } from './seeds.ts';

const CASES = Number(process.env['QBENCH_FUZZ_CASES'] ?? 300);

describe('GGUF scanner fuzzing', () => {
  it(`survives ${CASES} structure-aware mutants`, async () => {
    const result = await runFuzz({
      seeds: await defaultSeeds(),
      cases: CASES,
      timeBudgetMs: 45_000,
      seed: 20261123,
    });
    const show = (xs: { case: number; seed: string; ops: string[]; reason: string }[]) =>
      xs.slice(0, 5).map((x) => `#${x.case} ${x.seed} [${x.ops.join('; ')}]: ${x.reason}`);
    expect(show(result.crashes)).toEqual([]);
    expect(show(result.hangs)).toEqual([]);
    expect(show(result.mismatches)).toEqual([]);
    expect(result.expectedMet).toBe(result.cases);
    expect(result.cases).toBeGreaterThanOrEqual(Math.min(CASES, 200));
    // Mutants must reach beyond the header: all three verdicts occur.
    expect(result.verdicts.malformed).toBeGreaterThan(0);
    expect(result.verdicts.clean + result.verdicts.suspicious).toBeGreaterThan(0);
    expect(result.rssGrowthBytes).toBeLessThan(200 * 1024 * 1024);
  });
});
