/**
 * `qbench validate` end to end: the worked example passes (exit 0, its throughput beside qbench's own
 * kernels), the deliberately buggy one fails (exit 1) naming the first bad element, bad arguments are errors.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listKernels } from '@qbench/kernels';
import { wasmBuildPath } from '@qbench/runtime-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const examples = fileURLToPath(new URL('../../../../examples/', import.meta.url));
const ggufWgsl = fileURLToPath(new URL('../../../../formats/gguf/wgsl/', import.meta.url));
const noGpu = (await listKernels({ formats: ['q8_0'], backends: ['webgpu'] })).unavailable[0]?.reason;
const dir = mkdtempSync(join(tmpdir(), 'qbench-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function leb(v: number): number[] {
  const out: number[] = [];
  let x = v;
  do {
    out.push((x & 0x7f) | (x >= 0x80 ? 0x80 : 0));
    x >>>= 7;
  } while (x > 0);
  return out;
}

/**
 * A copy of a wasm module whose export `from` is renamed `to`, every other section as it was: qbench's own
 * family modules export `<format>_<op>`, the external ABI names the kernel `decode` or `dot`.
 */
function renameExport(wasm: Uint8Array, from: string, to: string): Uint8Array {
  const out: number[] = [...wasm.subarray(0, 8)]; // magic and version
  const u = (at: { p: number }) => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = wasm[at.p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  for (const at = { p: 8 }; at.p < wasm.length; ) {
    const id = wasm[at.p++]!;
    const size = u(at);
    const end = at.p + size;
    if (id !== 7) {
      out.push(id, ...leb(size), ...wasm.subarray(at.p, end));
    } else {
      const body: number[] = [];
      const count = u(at);
      body.push(...leb(count));
      for (let i = 0; i < count; i++) {
        const len = u(at);
        const name = new TextDecoder().decode(wasm.subarray(at.p, at.p + len));
        at.p += len;
        const kind = wasm[at.p++]!;
        const index = u(at);
        const bytes = new TextEncoder().encode(name === from ? to : name);
        body.push(...leb(bytes.length), ...bytes, kind, ...leb(index));
      }
      out.push(7, ...leb(body.length), ...body);
    }
    at.p = end;
  }
  return new Uint8Array(out);
}

/** `qbench validate` of a dot kernel, conformance only (quick case list, no throughput). */
const validateDot = (path: string, format: string) =>
  runCli(['validate', '--kernel', path, '--format', format, '--op', 'dot', '--quick', '--skip-throughput']);

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
    expect(r.out).toMatch(/memory copy \(read \+ write\): memcpy\/typed-array [\d.]+ GB\/s/);
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
    const op = await runCli(['validate', '--kernel', `${examples}q8_0-decode.mjs`, '--op', 'fold']);
    expect(op.err + op.out).toMatch(/--op must be decode, dot or encode, got 'fold'/);
  });

  const minifloat = wasmBuildPath('minifloat');
  it.skipIf(!existsSync(minifloat))(
    `passes qbench's own nvfp4_torchao wasm dot as an external .wasm (per-tensor scale once, before the rows)${existsSync(minifloat) ? '' : ' (skipped: run `pnpm build`)'}`,
    async () => {
      const path = join(dir, 'nvfp4_torchao-dot.wasm');
      writeFileSync(path, renameExport(new Uint8Array(readFileSync(minifloat)), 'nvfp4_torchao_dot', 'dot'));
      const r = await validateDot(path, 'nvfp4_torchao');
      expect(r.err).toBe('');
      expect(r.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
      expect(r.out).toMatch(/3 rows × 33 blocks/);
      expect(r.code).toBe(0);
    },
  );

  const mwq = wasmBuildPath('mwq');
  it.skipIf(!existsSync(mwq))(
    `passes qbench's own mwq_r4 wasm dot as an external .wasm (the matrix one tensor: planes span rows)${existsSync(mwq) ? '' : ' (skipped: run `pnpm build`)'}`,
    async () => {
      const path = join(dir, 'mwq_r4-dot.wasm');
      writeFileSync(path, renameExport(new Uint8Array(readFileSync(mwq)), 'mwq_r4_dot', 'dot'));
      const r = await validateDot(path, 'mwq_r4');
      expect(r.err).toBe('');
      expect(r.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
      expect(r.code).toBe(0);
    },
  );

  it.skipIf(noGpu !== undefined)(
    `checks an external WGSL dot (--op dot): a correct matvec passes, one that drops the activation scale fails${noGpu ? ` (skipped: ${noGpu})` : ''}`,
    async () => {
      const source = readFileSync(`${ggufWgsl}q8_0.dot.wgsl`, 'utf8');
      const good = join(dir, 'q8_0-dot.wgsl');
      writeFileSync(good, source);
      const ok = await validateDot(good, 'q8_0');
      expect(ok.err).toBe('');
      expect(ok.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
      expect(ok.out).toMatch(/golden/);
      expect(ok.code).toBe(0);
      const buggy = source.replace('acc += (f32(sumi) * dx) * dy;', 'acc += f32(sumi) * dx;');
      expect(buggy).not.toBe(source);
      const bad = join(dir, 'q8_0-dot-buggy.wgsl');
      writeFileSync(bad, buggy);
      const r = await validateDot(bad, 'q8_0');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/row \d+: \|got − expected\|/);
      expect(r.out).toMatch(/conformance: FAIL/);
    },
  );

  it.skipIf(noGpu !== undefined)(
    `--override tunes a WGSL kernel's override constants; bad ones are named errors${noGpu ? ` (skipped: ${noGpu})` : ''}`,
    async () => {
      const kernel = `${ggufWgsl}q8_0.decode.wgsl`;
      const run = (...o: string[]) =>
        runCli(['validate', '--kernel', kernel, '--format', 'q8_0', '--quick', '--skip-throughput', ...o]);
      for (const wg of ['32', '128', '256']) {
        const r = await run('--override', `WORKGROUP_SIZE=${wg}`);
        expect(r.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
        expect(r.code).toBe(0);
      }
      const unknown = await run('--override', 'NOPE=3');
      expect(unknown.code).not.toBe(0);
      expect(unknown.err).toMatch(/webgpu\.pipeline: external q8_0\.decode: .*NOPE/);
      const malformed = await run('--override', 'WORKGROUP_SIZE');
      expect(malformed.err).toMatch(/--override takes NAME=NUMBER, got 'WORKGROUP_SIZE'/);
      const dot = await runCli([
        ...['validate', '--kernel', `${ggufWgsl}q8_0.dot.wgsl`, '--format', 'q8_0', '--op', 'dot'],
        ...['--override', 'WORKGROUP_SIZE=100'],
      ]);
      expect(dot.err).toMatch(/WORKGROUP_SIZE must be a power of two from 1 to 256, got 100/);
      const notWgsl = await runCli([
        'validate',
        '--kernel',
        `${examples}q8_0-decode.mjs`,
        '--override',
        'A=1',
      ]);
      expect(notWgsl.err).toMatch(/--override sets a kernel's override constants \(\.wgsl only\)/);
    },
  );
});
