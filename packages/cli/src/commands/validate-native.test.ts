/**
 * `qbench validate` on native kernels (.so with ggml's C signatures, hosted in a child process): the C
 * examples under examples/native/ are built with gcc where a compiler exists (skipped with the reason
 * otherwise). The correct q8_0 decoder passes; the one with a one-element bug fails naming that element;
 * the one that segfaults on one case, writes past its output on another and hangs on a third gets those
 * verdicts for exactly those cases while every other case still runs and passes — qbench survives.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { locateGgml, nativeGgml } from '@qbench/ggml-native';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const examples = fileURLToPath(new URL('../../../../examples/native/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'qbench-native-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds examples/native/<name>.c with the build line its header states; the reason when it cannot. */
function build(name: string): string {
  const out = join(dir, `${name}.so`);
  execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-o', out, join(examples, `${name}.c`)], { stdio: 'pipe' });
  return out;
}

let noCompiler: string | undefined;
const libs: Record<string, string> = {};
if (process.platform !== 'linux')
  noCompiler = `native .so kernels are built and loaded on Linux only (here: ${process.platform})`;
else
  try {
    for (const n of ['q8_0-decode', 'q8_0-decode-buggy', 'q8_0-decode-crash']) libs[n] = build(n);
  } catch (e) {
    noCompiler = `no C compiler: gcc failed (${(e as Error).message.split('\n')[0]})`;
  }
const why = noCompiler ? ` (skipped: ${noCompiler})` : '';

const validate = (lib: string, ...more: string[]) =>
  runCli([
    'validate',
    '--kernel',
    lib,
    '--symbol',
    'dequantize_row_q8_0',
    '--quick',
    '--skip-throughput',
    ...more,
  ]);

describe.skipIf(noCompiler !== undefined)(`validate --kernel lib.so --symbol NAME${why}`, () => {
  it('passes the correct q8_0 decoder; format and op come from the ggml-style symbol name', async () => {
    const r = await validate(libs['q8_0-decode']!);
    expect(r.out).toMatch(
      /q8_0 decode — native decode dequantize_row_q8_0 \(ggml C signature\), child process/,
    );
    expect(r.out).toMatch(/conformance: PASS — \d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  });

  it('fails the decoder with a one-element bug, naming the element', async () => {
    const r = await validate(libs['q8_0-decode-buggy']!, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as {
      ok: boolean;
      conformance: {
        cases: {
          case: string;
          checks: {
            ok: boolean;
            mismatch?: { index: number; block: number; offsetInBlock: number; count: number };
          }[];
        }[];
      };
    };
    expect(report.ok).toBe(false);
    const c = report.conformance.cases.find((x) => x.case === 'blocks=7')!;
    // element 31 = block 0, offset 31, and nothing else
    expect(c.checks[0]).toMatchObject({
      ok: false,
      mismatch: { index: 31, block: 0, offsetInBlock: 31, count: 1 },
    });
  });

  it('a segfault, an out-of-bounds write and a hang are verdicts for their cases; the other cases still run', async () => {
    const r = await validate(libs['q8_0-decode-crash']!, '--timeout', '1500');
    expect(r.code).toBe(1);
    const line = (name: string) => r.out.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    expect(line('blocks=7')).toMatch(
      /FAIL .*kernel\.crashed: crashed: the kernel process was killed by SIGSEGV during dequantize_row_q8_0\(k=224\)/,
    );
    expect(line('blocks=3')).toMatch(
      /FAIL .*kernel\.oob: dequantize_row_q8_0\(k=96\) wrote outside its output: byte 0 past the end of the 384-byte output/,
    );
    expect(line('blocks=31')).toMatch(
      /FAIL .*kernel\.timeout: timeout: dequantize_row_q8_0\(k=992\) did not return within 1500 ms \(kernel process killed\)/,
    );
    for (const ok of ['blocks=1', 'blocks=2', 'blocks=33', 'random bytes (33 blocks)'])
      expect(line(ok)).toMatch(/ pass/);
    expect(r.out).toMatch(/conformance: FAIL — \d+ passed, 3 failed/);
  });

  it('a library without the symbol, or a symbol whose name says no op, is an error naming it', async () => {
    const missing = await runCli([
      'validate',
      '--kernel',
      libs['q8_0-decode']!,
      '--symbol',
      'dequantize_row_q4_0',
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.err + missing.out).toMatch(/does not export dequantize_row_q4_0/);
    const noOp = await runCli([
      'validate',
      '--kernel',
      libs['q8_0-decode']!,
      '--symbol',
      'my_decoder',
      '--format',
      'q8_0',
    ]);
    expect(noOp.err + noOp.out).toMatch(/cannot tell the op of 'my_decoder' from its name: pass --op/);
    const noSymbol = await runCli(['validate', '--kernel', libs['q8_0-decode']!]);
    expect(noSymbol.err + noSymbol.out).toMatch(/is a native library: pass --symbol NAME/);
  });
});

const native = nativeGgml();
const located = locateGgml();
const ggmlCpu =
  native.ok && located.ok ? join(located.install.binsDir, native.ggml.info.cpuVariant) : undefined;
const noNative = native.ok ? (located.ok ? '' : located.reason) : native.reason;

describe.skipIf(ggmlCpu === undefined)(
  `validate on ggml's own CPU library${noNative ? ` (skipped: ${noNative})` : ''}`,
  () => {
    it('passes ggml_vec_dot_q4_K_q8_K of the loaded variant (the dot path: activation quantized by the reference, one call per row)', async () => {
      const r = await runCli([
        'validate',
        '--kernel',
        ggmlCpu!,
        '--symbol',
        'ggml_vec_dot_q4_K_q8_K',
        '--quick',
        '--skip-throughput',
      ]);
      expect(r.out).toMatch(/q4_k dot — native dot ggml_vec_dot_q4_K_q8_K/);
      expect(r.out).toMatch(/conformance: PASS — 10 passed, 0 failed/);
      expect(r.code).toBe(0);
    });
  },
);
