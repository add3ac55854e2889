/**
 * The three report formats of `qbench scan`: text (a verdict line and a findings table per file, a summary
 * over several), JSON (one object per file; the single-file shape is unchanged) and SARIF 2.1.0.
 */
import { relative, sep } from 'node:path';
import { relativeUri, type ScanReport, toSarif } from '@qbench/gguf-file';
import type { FileScan } from '@qbench/gguf-file/node';
import { table } from '../io.ts';

export function jsonReport(path: string, r: ScanReport): Record<string, unknown> {
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

export function jsonScans(scans: readonly FileScan[], exitCode: number): unknown {
  return {
    files: scans.map((s) => ({
      ...(s.report
        ? jsonReport(s.path, s.report)
        : { file: s.path, verdict: 'unreadable', exitCode: 2, error: s.error }),
      ...(s.split ? { split: s.split } : {}),
    })),
    exitCode,
  };
}

export function textScan(s: FileScan): string {
  const part = s.split ? ` (part ${s.split.part} of ${s.split.count})` : '';
  if (!s.report) return `${s.path}${part}: UNREADABLE: ${s.error}\n`;
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of s.report.findings) counts[f.severity]++;
  let out = `${s.path}${part}: ${s.report.verdict.toUpperCase()} (${counts.error} errors, ${counts.warning} warnings, ${counts.info} notes)\n`;
  if (s.report.findings.length > 0)
    out += table(
      ['severity', 'code', 'offset', 'message'],
      s.report.findings.map((f) => [f.severity, f.code, f.offset, f.message]),
    );
  return out;
}

export function textSummary(scans: readonly FileScan[], exitCode: number): string {
  const n = { clean: 0, suspicious: 0, malformed: 0, unreadable: 0 };
  for (const s of scans) n[s.report?.verdict ?? 'unreadable']++;
  return `${scans.length} files: ${n.clean} clean, ${n.suspicious} suspicious, ${n.malformed} malformed, ${n.unreadable} unreadable (exit ${exitCode})\n`;
}

/** SARIF with artifact URIs relative to the working directory (where code scanning resolves them). */
export function sarifScans(scans: readonly FileScan[], version: string): unknown {
  return toSarif(
    scans.map((s) => ({
      uri: relativeUri(relative(process.cwd(), s.path).split(sep).join('/')),
      findings: s.report?.findings ?? [],
      ...(s.report ? {} : { error: s.error ?? 'unreadable' }),
    })),
    { toolVersion: version },
  );
}
