/**
 * `qbench scan FILE [--json] [--no-content] [--max-content-bytes N]`: vet a GGUF file before a loader
 * sees it. Every finding has a stable code, a severity, a byte offset and a message naming the key or
 * tensor. Exit 0 clean, 1 suspicious (warnings), 2 malformed (errors) — and 2 when the file cannot be
 * read at all: a scanner fails closed.
 */
import { isQbenchError } from '@qbench/core';
import { type ScanReport, scanGguf } from '@qbench/gguf-file';
import { withFileSource } from '@qbench/gguf-file/node';
import { flag, parse, str } from '../args.ts';
import { type Io, table } from '../io.ts';

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
  });
  const path = p.positionals[0];
  if (!path || p.positionals.length > 1) {
    io.err('usage: qbench scan FILE [--json] [--no-content] [--max-content-bytes N]\n');
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
  if (flag(p, 'json')) {
    io.out(`${JSON.stringify(jsonReport(path, report), null, 2)}\n`);
    return report.exitCode;
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
  return report.exitCode;
}
