/**
 * Node-only: scan what a user points `qbench scan` at — one GGUF, a split set (any part's name finds the
 * others, as llama_split_path names them) or a directory (every *.gguf in it, split sets grouped). Every
 * file gets its own report; a file that cannot be read is a result with the reason, not an exception.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withFileSource } from './file-source.ts';
import { exitCodeOf, type Finding, verdictOf } from './findings.ts';
import { type ScanOptions, type ScanReport, scanGguf } from './scan.ts';
import { checkSplitSet, checkUnsplitName, type SplitPart, splitName, splitPath } from './split.ts';
import { renderedTemplateIssues } from './template/check.ts';

export interface FileScan {
  path: string;
  /** The scan; undefined when the file could not be read (`error` says why). */
  report?: ScanReport;
  error?: string;
  /** For a part of a split set: its 1-based number and the set size. */
  split?: { part: number; count: number };
}

/**
 * Scan a file on disk (opened, scanned, closed). Chat templates are also rendered on the probe
 * conversations in a worker thread (the default `renderTemplate`); scanGguf over withFileSource runs the
 * static template checks only.
 */
export function scanFile(path: string, options: ScanOptions = {}): Promise<ScanReport> {
  const renderTemplate = options.renderTemplate ?? ((t: string) => renderedTemplateIssues(t));
  return withFileSource(path, (src) => scanGguf(src, { ...options, renderTemplate }));
}

function withFindings(
  report: ScanReport,
  extra: readonly Finding[],
  drop: ReadonlySet<string> = new Set(),
): ScanReport {
  const findings = [...report.findings.filter((f) => !drop.has(f.code)), ...extra].sort(
    (a, b) => a.offset - b.offset,
  );
  const verdict = verdictOf(findings);
  return { ...report, findings, verdict, exitCode: exitCodeOf(verdict) };
}

async function scanOne(path: string, options: ScanOptions): Promise<{ report?: ScanReport; error?: string }> {
  try {
    return { report: await scanFile(path, options) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Every part of the split set `path` belongs to, each scanned and checked against the set. */
export async function scanSplitSet(path: string, options: ScanOptions = {}): Promise<FileScan[]> {
  const name = splitName(path)!;
  const parts: SplitPart[] = [];
  for (let part = 1; part <= name.count; part++) {
    const p = splitPath(name.prefix, part, name.count);
    // Only part 1 holds the chat template and the metadata; rendering it once is enough.
    const r = await scanOne(p, part === 1 ? options : { ...options, renderTemplate: async () => [] });
    parts.push({ path: p, ...r });
  }
  const sinks = checkSplitSet(name, parts);
  const first = parts[0]?.report?.parsed.kv;
  return parts.map((part, i) => {
    // Later parts carry no general.* keys by design (the loader takes them from part 1).
    const drop = new Set<string>();
    if (i > 0 && first?.has('general.architecture')) drop.add('meta.architecture');
    if (i > 0 && first?.has('general.quantization_version')) drop.add('meta.quantization-version');
    const report = part.report && withFindings(part.report, sinks[i]!.findings, drop);
    const split = { part: i + 1, count: name.count };
    if (i === 0 && !report) {
      // The missing-part findings live on part 1; when part 1 itself is missing, say so here.
      return {
        path: part.path,
        error: [part.error, ...sinks[0]!.findings.map((f) => f.message)].join('; '),
        split,
      };
    }
    return report
      ? { path: part.path, report, split }
      : { path: part.path, error: part.error ?? 'missing', split };
  });
}

/** One file, a split set, or a directory of GGUF files (its *.gguf entries, not recursive). */
export async function scanTarget(path: string, options: ScanOptions = {}): Promise<FileScan[]> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    // Not there: scanFile reports the reason below.
  }
  if (isDir) {
    let names: string[];
    try {
      names = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.gguf')).sort();
    } catch (e) {
      return [{ path, error: `cannot list directory '${path}': ${(e as Error).message}` }];
    }
    const out: FileScan[] = [];
    const sets = new Set<string>();
    for (const n of names) {
      const full = join(path, n);
      const s = splitName(full);
      if (s) {
        const key = `${s.prefix}/${s.count}`;
        if (!sets.has(key)) {
          sets.add(key);
          out.push(...(await scanSplitSet(full, options)));
        }
      } else out.push(...(await scanTarget(full, options)));
    }
    return out;
  }
  if (splitName(path) && splitName(path)!.count > 1) return scanSplitSet(path, options);
  const r = await scanOne(path, options);
  if (!r.report) return [{ path, error: r.error ?? 'unreadable' }];
  return [{ path, report: withFindings(r.report, checkUnsplitName(r.report).findings) }];
}

/** Exit code over many files: the worst one (2 for a file that could not be read). */
export function worstExitCode(scans: readonly FileScan[]): 0 | 1 | 2 {
  let worst: 0 | 1 | 2 = 0;
  for (const s of scans) {
    const code = s.report ? s.report.exitCode : 2;
    if (code > worst) worst = code;
  }
  return worst;
}
