/**
 * `qbench validate --kernel PATH [--format ID] [--op decode|dot|encode] [--symbol NAME]`: check a kernel
 * someone wrote against the reference, on the conformance harness's case list and the format's golden
 * vectors, then time it beside qbench's own kernels (and native ggml's) for the same format and op. PATH is a
 * JS/TS module (default export `{ format, op, decode | dot }`), a `.wasm` following KERNEL-ABI.md, a `.wgsl`
 * with the documented bindings, or a `.so` exporting NAME with ggml's C signature (dequantize_row_X,
 * quantize_row_X, vec_dot_X_Y; format and op are read from a ggml-style name). Module and wasm kernels run
 * in a worker thread, native ones in a child process, with a time limit per call, so a kernel that hangs,
 * throws, crashes, writes outside its output or returns the wrong length gets a verdict. Exit 0 only on pass.
 */

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type KernelOp, type KernelTraits, kernelId, loadFormat, QbenchError } from '@qbench/core';
import {
  againstOwnCopy,
  BACKENDS,
  backendById,
  backendForFile,
  conformKernel,
  FULL_ELEMENTS,
  type KernelBackend,
  type KernelConformance,
  listKernels,
  type Measurement,
  makeCase,
  measureKernel,
  QUICK_ELEMENTS,
} from '@qbench/kernels';
import { flag, parse, str } from '../args.ts';
import { type Io, table } from '../io.ts';

export const summary =
  'check an external kernel (.mjs/.ts module, .wasm, .wgsl, .so with ggml C signatures) against the reference and time it';

const OPS: readonly KernelOp[] = ['decode', 'dot', 'encode'];

function caseRows(r: KernelConformance): (string | number)[][] {
  return r.cases.map((c) => {
    const k = c.checks[0]!;
    const verdict = k.skipped !== undefined ? 'skip' : k.ok ? 'pass' : 'FAIL';
    const m = k.mismatch;
    const where = m
      ? `${m.block >= 0 ? `index ${m.index} (block ${m.block}, offset ${m.offsetInBlock})` : `row ${m.row ?? m.index}`}: expected ${m.expected}, got ${m.got}${m.ulp !== undefined && Number.isFinite(m.ulp) ? `, ${m.ulp} ulp` : ''}${m.count > 1 ? `; ${m.count} differ` : ''}`
      : '';
    return [c.case, verdict, k.skipped ?? [where, k.detail ?? ''].filter(Boolean).join('; ')];
  });
}

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(
    'validate',
    argv,
    {
      kernel: { type: 'string' },
      symbol: { type: 'string' },
      format: { type: 'string' },
      op: { type: 'string' },
      timeout: { type: 'string' },
      override: { type: 'string', multiple: true },
      elements: { type: 'string' },
      quick: { type: 'boolean' },
      'skip-throughput': { type: 'boolean' },
      json: { type: 'boolean' },
    },
    false,
  );
  const path = str(p, 'kernel');
  if (!path)
    throw new QbenchError(
      'cli.args',
      'validate: --kernel PATH is required (a .mjs/.js/.ts module, a .wasm, a .wgsl or a .so with --symbol)',
    );
  const abs = resolve(path);
  if (!existsSync(abs)) throw new QbenchError('cli.args', `validate: ${path}: no such file`);
  const opArg = str(p, 'op');
  if (opArg !== undefined && !OPS.includes(opArg as KernelOp))
    throw new QbenchError('cli.args', `validate: --op must be decode, dot or encode, got '${opArg}'`);
  const timeoutMs = Number(str(p, 'timeout') ?? 10_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new QbenchError(
      'cli.args',
      `validate: --timeout must be a positive number of milliseconds, got '${str(p, 'timeout')}'`,
    );
  }
  const quick = flag(p, 'quick');
  const formatArg = str(p, 'format');

  // Load the kernel first: a module names its own format. The backend whose external form the file takes
  // loads it, and its copy yardstick is the one the kernel's throughput is set against.
  const { backend, form } = backendForFile(abs);
  if (p.values['override'] !== undefined && !form.takesOverrides) {
    const takes = BACKENDS.flatMap((b) => (b.external?.takesOverrides ? b.external.extensions : []));
    throw new QbenchError(
      'cli.args',
      `validate: --override sets a kernel's override constants (${takes.join(', ')} only)`,
    );
  }
  const loaded = await form.load(abs, {
    format: formatArg ? await loadFormat(formatArg) : undefined,
    op: opArg as KernelOp | undefined,
    timeoutMs,
    symbol: str(p, 'symbol'),
    overrides: overrides(p),
  });
  const { kernel, op } = loaded;
  const kind = loaded.describe ?? form.describe;
  if (formatArg && loaded.declaredFormat && loaded.declaredFormat !== formatArg) {
    await loaded.close();
    throw new QbenchError(
      'validate.format',
      `${path} declares format '${loaded.declaredFormat}' but --format is '${formatArg}'`,
    );
  }
  const formatId = formatArg ?? loaded.declaredFormat;
  try {
    if (!formatId)
      throw new QbenchError('cli.args', `validate: ${path} does not name its format; pass --format`);
    const format = await loadFormat(formatId);
    const traits: KernelTraits = {
      id: kernelId(format.id, op, 'external'),
      format: format.id,
      op,
      backend: 'external',
      supports: (s) =>
        s.n % format.blockElements === 0 ? true : `n is not a multiple of ${format.blockElements}`,
      load: async () => kernel,
    };
    // worker-hosted kernels enforce timeoutMs themselves (and terminate the worker, whose restart has its own
    // 30 s load limit); the harness's limit is a backstop past both
    const report = await conformKernel(
      traits,
      format,
      { timeoutMs: timeoutMs + 35_000, ...(quick ? { maxBlocks: 33 } : {}) },
      kernel,
    );
    const passed = report.cases.filter((c) => c.checks.every((k) => k.ok)).length;
    const skipped = report.cases.filter((c) => c.checks.some((k) => k.skipped !== undefined)).length;
    const failed = report.cases.length - passed - skipped;
    const results: Record<string, unknown>[] = [];
    if (report.ok && !flag(p, 'skip-throughput')) {
      const elements = throughputElements(str(p, 'elements'), quick);
      const c = makeCase(format, op, elements);
      const row = async (kernel: string, b: KernelBackend, m: Measurement) => {
        const own = againstOwnCopy(b.yardstick, await b.yardstick.measure({ quick }), m, c.elements);
        return {
          kernel,
          ...m,
          gbps: own.gbps,
          elementsPerSecondOnClock: own.elementsPerSecond,
          clock: own.clock,
          ...(own.copyGBps === undefined
            ? {}
            : { fractionOfCopy: own.gbps / own.copyGBps, against: own.against }),
        };
      };
      results.push(
        await row(
          `${path} (external)`,
          backend,
          loaded.bench ? await loaded.bench(c, {}) : await measureKernel(kernel, c),
        ),
      );
      const own = await listKernels({ formats: [format.id], ops: [op] });
      for (const k of own.kernels) {
        const conf = await conformKernel(k, format, { golden: false, maxBlocks: 33 });
        if (!conf.ok) {
          results.push({ kernel: k.id, skipped: 'did not pass conformance here' });
          continue;
        }
        results.push(await row(k.id, backendById(k.backend), await measureKernel(await k.load(), c)));
      }
      results.push({ kernel: 'memcpy', yardsticks: await copyYardsticks(quick) });
    }
    if (flag(p, 'json')) {
      io.out(
        `${JSON.stringify({ kernel: path, format: format.id, op, ok: report.ok, conformance: report, throughput: results }, null, 2)}\n`,
      );
      return report.ok ? 0 : 1;
    }
    io.out(`kernel ${path}: ${format.id} ${op} — ${kind}\n\n`);
    io.out(table(['case', 'verdict', 'first mismatch / note'], caseRows(report)));
    if (report.error) io.out(`error: ${report.error}\n`);
    io.out(
      `\nconformance: ${report.ok ? 'PASS' : 'FAIL'} — ${passed} passed, ${failed} failed, ${skipped} skipped of ${report.cases.length} cases\n`,
    );
    if (results.length > 0) {
      const bw = results[results.length - 1]!;
      const rows = results
        .slice(0, -1)
        .map((r) =>
          'skipped' in r
            ? [String(r['kernel']), '-', '-', '-', String(r['skipped'])]
            : [
                String(r['kernel']),
                (r['gbps'] as number).toFixed(2),
                ((r['elementsPerSecondOnClock'] as number) / 1e6).toFixed(0),
                typeof r['fractionOfCopy'] === 'number'
                  ? `${(100 * (r['fractionOfCopy'] as number)).toFixed(0)}% of ${r['against']}`
                  : '-',
                `${r['prepared'] ? 'kernel only (inputs staged)' : 'whole calls'}, ${r['clock']}`,
              ],
        );
      io.out(
        `\nthroughput (${op}, ${makeCaseLabel(format.id, throughputElements(str(p, 'elements'), quick))}):\n`,
      );
      io.out(table(['kernel', 'GB/s', 'Melem/s', 'of copy bandwidth', 'timed'], rows));
      const copies = Object.entries(bw['yardsticks'] as Record<string, number | string>)
        .filter((e): e is [string, number] => typeof e[1] === 'number')
        .map(([k, v]) => `${k} ${v.toFixed(2)} GB/s`);
      io.out(`memory copy (read + write): ${copies.join(', ')}\n`);
    } else if (!report.ok) {
      io.out('throughput: not measured (only kernels that pass conformance are timed)\n');
    }
    return report.ok ? 0 : 1;
  } finally {
    await loaded.close();
  }
}

/** Every backend's copy bandwidth (one entry per distinct yardstick), for the table's footnote and --json. */
async function copyYardsticks(quick: boolean): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const b of BACKENDS) {
    if (b.yardstick.kernel in out) continue;
    const copy = await b.yardstick.measure({ quick });
    out[b.yardstick.kernel] = typeof copy === 'string' ? copy : (copy.deviceGBps ?? copy.wallGBps);
  }
  return out;
}

/** `--override NAME=VALUE` (repeatable): a WGSL kernel's `override` constants, for tuning. */
function overrides(p: ReturnType<typeof parse>): Record<string, number> {
  const out: Record<string, number> = {};
  const given = p.values['override'];
  for (const o of Array.isArray(given) ? given : []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(o);
    const v = m ? Number(m[2]) : Number.NaN;
    if (!m || !Number.isFinite(v))
      throw new QbenchError('cli.args', `validate: --override takes NAME=NUMBER, got '${o}'`);
    out[m[1]!] = v;
  }
  return out;
}

/** 16Mi elements by default: outputs of 64 MiB are memory-resident, so 'of memcpy' compares like with like. */
function throughputElements(arg: string | undefined, quick: boolean): number {
  if (arg === undefined) return quick ? QUICK_ELEMENTS : FULL_ELEMENTS;
  const n = Number(arg);
  if (!Number.isInteger(n) || n <= 0)
    throw new QbenchError('cli.args', `validate: --elements must be a positive integer, got '${arg}'`);
  return n;
}

function makeCaseLabel(format: string, elements: number): string {
  return `${format}, ${(elements / 1024 / 1024).toFixed(0)}Mi elements, GB/s = (bytes read + written) / median time`;
}
