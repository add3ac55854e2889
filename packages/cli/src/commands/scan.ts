/**
 * `qbench scan FILE [--json] [--no-content] [--max-content-bytes N] [--reference FP.safetensors]`: vet a
 * GGUF file before a loader sees it; with --reference, also run the quantization-conditioned backdoor
 * (Mind the Gap) detectors of @qbench/detectors against the full-precision model. Every finding has a stable code, a severity, a byte offset and a message naming the key or
 * tensor. Exit 0 clean, 1 suspicious (warnings), 2 malformed (errors) — and 2 when the file cannot be
 * read at all: a scanner fails closed.
 */
import { isQbenchError } from '@qbench/core';
import { type ScanReport, scanGguf } from '@qbench/gguf-file';
import { withFileSource } from '@qbench/gguf-file/node';
import { flag, parse, str } from '../args.ts';
import { type Io, table } from '../io.ts';

// The Mind-the-Gap detectors (@qbench/detectors) and the safetensors reader (@qbench/models) are loaded only
// when --reference is given, so a plain scan stays light.
async function referenceCheck(
  path: string,
  referencePath: string,
): Promise<{ exitCode: 0 | 1; text: string; json: unknown }> {
  const detect = await import('@qbench/detectors');
  const models = await import('@qbench/models');
  const { openGgufFile } = await import('@qbench/gguf-file/node');
  const gguf = await openGgufFile(path);
  const ref = await models.openSafetensors(referencePath);
  try {
    const names = new Set(ref.tensors.map((t) => t.name));
    const report = await detect.scanWithReference(gguf, {
      read: async (name) => (names.has(name) ? ref.readFloat32(name) : undefined),
    });
    return {
      exitCode: report.exitCode,
      text: detect.referenceScanText(report),
      json: detect.referenceScanJson(report),
    };
  } finally {
    await ref.close();
    await (gguf.source as { close?: () => Promise<void> }).close?.();
  }
}

export const summary =
  'vet a GGUF file: structure, layout, metadata, chat template, block contents (exit 0/1/2)';

function jsonReport(path: string, r: ScanReport): unknown {
  const p = r.parsed;
  return {
    file: path,
    size: p.size,
    verdict: r.verdict,
    exitCode: r.exitCode,
    version: p.version ?? null,
    alignment: p.alignment,
    tensorCount: p.tensorCount?.toString() ?? null,
    kvCount: p.kvCount?.toString() ?? null,
    findings: r.findings,
  };
}

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse('scan', argv, {
    json: { type: 'boolean' },
    'no-content': { type: 'boolean' },
    'max-content-bytes': { type: 'string' },
    reference: { type: 'string' },
  });
  const path = p.positionals[0];
  if (!path || p.positionals.length > 1) {
    io.err(
      'usage: qbench scan FILE [--json] [--no-content] [--max-content-bytes N] [--reference FP.safetensors]\n',
    );
    return 2;
  }
  const maxBytes = str(p, 'max-content-bytes');
  if (maxBytes !== undefined && !/^\d+$/.test(maxBytes)) {
    io.err(`qbench: cli.args: scan: --max-content-bytes must be a byte count, got '${maxBytes}'\n`);
    return 2;
  }
  const content = flag(p, 'no-content')
    ? false
    : maxBytes !== undefined
      ? { maxBytes: Number(maxBytes) }
      : true;
  let report: ScanReport;
  try {
    report = await withFileSource(path, (src) => scanGguf(src, { content }));
  } catch (e) {
    // Unreadable input is not "clean": fail closed with the malformed exit code.
    io.err(`qbench: ${isQbenchError(e) ? `${e.code}: ` : ''}${(e as Error).message}\n`);
    return 2;
  }
  // --reference: the Mind-the-Gap detectors against the full-precision model (only on a well-formed file).
  const referencePath = str(p, 'reference');
  let reference: Awaited<ReturnType<typeof referenceCheck>> | undefined;
  if (referencePath !== undefined && report.exitCode < 2) {
    try {
      reference = await referenceCheck(path, referencePath);
    } catch (e) {
      io.err(`qbench: ${isQbenchError(e) ? `${e.code}: ` : ''}${(e as Error).message}\n`);
      return 2;
    }
  }
  const exitCode = Math.max(report.exitCode, reference?.exitCode ?? 0);
  if (flag(p, 'json')) {
    const json = {
      ...(jsonReport(path, report) as object),
      ...(reference ? { reference: reference.json, exitCode } : {}),
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
    return exitCode;
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity]++;
  io.out(
    `${path}: ${report.verdict.toUpperCase()} (${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes)\n`,
  );
  if (report.findings.length > 0) {
    io.out(
      table(
        ['severity', 'code', 'offset', 'message'],
        report.findings.map((f) => [f.severity, f.code, f.offset, f.message]),
      ),
    );
  }
  if (reference) io.out(reference.text);
  return exitCode;
}
