/**
 * External kernels as `qbench validate` loads them (worker thread, time limit, canaries): the worked
 * examples pass, the deliberately buggy one is caught, and misbehaving kernels get verdicts, not crashes.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Format, type KernelOp, type KernelTraits, kernelId, loadFormat } from '@qbench/core';
import { wasmBuildPath } from '@qbench/runtime-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { backendForFile } from '../backends/index.ts';
import { conformKernel, summarizeFailures } from '../conformance.ts';
import { loadExternalKernel } from './host.ts';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const exampleWasm = wasmBuildPath('gguf').replace(/gguf\.release\.wasm$/, 'examples/q8_0-decode.wasm');
const dir = mkdtempSync(join(tmpdir(), 'qbench-external-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function traits(format: Format, op: KernelOp = 'decode'): KernelTraits {
  return {
    id: kernelId(format.id, op, 'external'),
    format: format.id,
    op,
    backend: 'external',
    supports: () => true,
    load: () => Promise.reject(new Error('preloaded')),
  };
}

async function validate(path: string, formatId: string, timeoutMs = 10_000, maxBlocks = 33, golden = true) {
  const format = await loadFormat(formatId);
  const ext = await backendForFile(path).form.load(path, { format, op: undefined, timeoutMs, overrides: {} });
  try {
    // the host's own limit (which terminates the worker) fires first; the harness's is a backstop
    return await conformKernel(
      traits(format, ext.op),
      format,
      { timeoutMs: timeoutMs + 35_000, maxBlocks, golden },
      ext.kernel,
    );
  } finally {
    await ext.close();
  }
}

function fixture(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

describe('worked examples', () => {
  it('examples/q8_0-decode.mjs passes every case, golden vectors included', async () => {
    const r = await validate(`${examples}q8_0-decode.mjs`, 'q8_0');
    expect(summarizeFailures(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.cases.some((c) => c.case.startsWith('golden'))).toBe(true);
  });

  it('examples/q8_0-dot.mjs passes: rows against the reference dot and ggml CPU vec_dot results', async () => {
    const r = await validate(`${examples}q8_0-dot.mjs`, 'q8_0');
    expect(r.op).toBe('dot');
    expect(summarizeFailures(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.cases.filter((c) => c.case.startsWith('golden')).length).toBeGreaterThan(0);
  });

  it('examples/q4_0-decode-buggy.mjs is caught, with the first bad element named', async () => {
    const r = await validate(`${examples}q4_0-decode-buggy.mjs`, 'q4_0');
    expect(r.ok).toBe(false);
    const failed = r.cases.filter((c) => !c.checks[0]!.ok);
    expect(failed.map((c) => c.case)).toContain('random bytes (33 blocks)');
    const m = failed.find((c) => c.case === 'random bytes (33 blocks)')!.checks[0]!.mismatch!;
    expect(m.got === 0).toBe(true); // the flushed subnormal scale (±0)
    expect(m.expected).not.toBe(0);
  });

  it.skipIf(!existsSync(exampleWasm))(
    `the AssemblyScript ABI example passes${existsSync(exampleWasm) ? '' : ' (skipped: run `pnpm build`)'}`,
    async () => {
      const r = await validate(exampleWasm, 'q8_0');
      expect(summarizeFailures(r)).toEqual([]);
      expect(r.ok).toBe(true);
    },
  );
});

describe('a dot over a format whose side info spans rows', () => {
  // mwq_r4 written from KERNEL-ABI.md alone: the matrix is one tensor (scales, zeros, then 4 bit planes of
  // the whole matrix), row r being elements r·n … r·n + n − 1; `tensorOf(r)` says which elements those are
  const mwqDot = (tensorOf: string) => `export default { format: 'mwq_r4', op: 'dot', dot(q, y, rows) {
    const n = y.length, N = rows * n, G = N / 128, planes = 5 * G, pb = Math.ceil(N / 8);
    const dv = new DataView(q.buffer, q.byteOffset, q.byteLength), out = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      let s = 0;
      for (let j = 0; j < n; j++) {
        const i = ${tensorOf}, g = Math.floor(i / 128);
        let c = 0;
        for (let p = 0; p < 4; p++) c = (c << 1) | ((q[planes + p * pb + (i >> 3)] >> (i & 7)) & 1);
        s += Math.fround(dv.getFloat32(4 * g, true) * ((c << 4) - q[4 * G + g])) * y[j];
      }
      out[r] = s;
    }
    return out;
  } };`;

  it('reading row r at elements r·n … of the one tensor passes, bit-exact', async () => {
    const r = await validate(fixture('mwq-dot.mjs', mwqDot('r * n + j')), 'mwq_r4', 10_000, 33, false);
    expect(summarizeFailures(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.cases.length).toBeGreaterThanOrEqual(5);
    expect(r.cases.every((c) => c.checks[0]!.detail === 'bit-exact')).toBe(true);
  });

  it("reading every row from the first row's elements is caught", async () => {
    const r = await validate(fixture('mwq-dot-row0.mjs', mwqDot('j')), 'mwq_r4', 10_000, 33, false);
    expect(r.ok).toBe(false);
    expect(summarizeFailures(r)[0]).toMatch(/row [12]: \|got − expected\|/);
  });
});

describe('misbehaving kernels get verdicts', () => {
  const header = "export default { format: 'q8_0', op: 'decode', decode(bytes, n, out) {";
  it('a kernel that hangs is stopped by the time limit, and the next case still runs', async () => {
    const path = fixture(
      'hang.mjs',
      `${header} if (n > 32) { for (;;) {} } return new Float32Array(n); } };`,
    );
    const r = await validate(path, 'q8_0', 800, 2, false);
    const first = r.cases.find((c) => c.case === 'blocks=2')!.checks[0]!;
    expect(first.detail).toMatch(/did not answer within 800 ms \(worker terminated\)/);
    // blocks=1 ran in a fresh worker before, and gave a (wrong: zeros) answer rather than a hang
    expect(r.cases.find((c) => c.case === 'blocks=1')!.checks[0]!.detail).toBeUndefined();
  });

  it('a kernel that writes past its output is reported as out of bounds', async () => {
    const path = fixture(
      'oob.mjs',
      `${header} const all = new Float32Array(out.buffer); all[out.byteOffset / 4 + n] = 1; return out; } };`,
    );
    const r = await validate(path, 'q8_0', 5000, 1, false);
    expect(summarizeFailures(r)[0]).toMatch(
      /kernel\.out-of-bounds: wrote outside its output: element 32 \(output has 32\)/,
    );
  });

  it('wrong length and a throw are verdicts', async () => {
    const short = await validate(
      fixture('short.mjs', `${header} return new Float32Array(n - 1); } };`),
      'q8_0',
      5000,
      1,
      false,
    );
    expect(summarizeFailures(short)[0]).toMatch(/returned 31 values, expected 32/);
    const thrower = await validate(
      fixture('throw.mjs', `${header} throw new TypeError('bad kernel'); } };`),
      'q8_0',
      5000,
      1,
      false,
    );
    expect(summarizeFailures(thrower)[0]).toMatch(/TypeError: bad kernel/);
  });

  it('a module without a usable default export is refused at load time', async () => {
    await expect(
      loadExternalKernel(fixture('empty.mjs', 'export const x = 1;'), { kind: 'module' }),
    ).rejects.toThrow(/default export must be an object/);
  });
});
