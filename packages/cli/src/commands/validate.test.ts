/**
 * `qbench validate` end to end: the worked example passes (exit 0, its throughput beside qbench's own
 * kernels), the deliberately buggy one fails (exit 1) naming the first bad element, bad arguments are errors.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));

describe('qbench validate', () => {
  it('passes examples/q8_0-decode.mjs and times it beside qbench kernels that passed conformance', async () => {
    const r = await runCli([
      'validate',
      '--kernel',
      `${examples}q8_0-decode.mjs`,
      '--quick',
      '--elements',
      '65536',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
    expect(r.out).toMatch(/q8_0-decode\.mjs \(external\)\s+[\d.]+\s+\d+/);
    expect(r.out).toMatch(/q8_0\/decode\/wasm-simd128/);
    expect(r.out).toMatch(/memory copy: typed array [\d.]+ GB\/s/);
  });

  it('fails examples/q4_0-decode-buggy.mjs (exit 1), names the first bad element, and times nothing', async () => {
    const r = await runCli(['validate', '--kernel', `${examples}q4_0-decode-buggy.mjs`, '--quick']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /random bytes \(33 blocks\)\s+FAIL\s+index \d+ \(block \d+, offset \d+\): expected [-\d.e]+, got -?0/,
    );
    expect(r.out).toMatch(/conformance: FAIL/);
    expect(r.out).toMatch(/throughput: not measured/);
  });

  it('--json gives the verdict and every case', async () => {
    const r = await runCli(['validate', '--kernel', `${examples}q4_0-decode-buggy.mjs`, '--quick', '--json']);
    const report = JSON.parse(r.out) as { ok: boolean; format: string; conformance: { cases: unknown[] } };
    expect(report).toMatchObject({ ok: false, format: 'q4_0' });
    expect(report.conformance.cases.length).toBeGreaterThan(8);
  });

  it('refuses a missing file, a format that contradicts the module, and an unknown op', async () => {
    const missing = await runCli(['validate', '--kernel', 'no/such/kernel.mjs']);
    expect(missing.code).not.toBe(0);
    expect(missing.err + missing.out).toMatch(/no such file/);
    const wrong = await runCli(['validate', '--kernel', `${examples}q8_0-decode.mjs`, '--format', 'q4_0']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err + wrong.out).toMatch(/declares format 'q8_0' but --format is 'q4_0'/);
    const op = await runCli(['validate', '--kernel', `${examples}q8_0-decode.mjs`, '--op', 'encode']);
    expect(op.err + op.out).toMatch(/--op must be decode or dot/);
  });
});
