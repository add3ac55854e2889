/**
 * `qbench conform --golden DIR [--format ID] [--json]`: run the reference codecs against golden vectors;
 * `qbench conform --oracle ggml [--format ID] [--blocks N] [--seed S] [--out DIR]`: against live ggml
 * (conform-oracle.ts).
 * A folder is checked by the family that claims it (bnb, PVQ, ggml's vec_dot folder) or else read as the
 * interchange format (manifest `type`/`format` names the format). Exit 0 only when every check matches.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import {
  type ConformCase,
  type ConformReport,
  caseOk,
  conformInterchangeCase,
  describeMismatch,
  type FormatFamily,
  goldenClaimant,
  isQbenchError,
  listGoldenFolders,
  loadFormat,
  openGoldenFolder,
  QbenchError,
} from '@qbench/core';
import { flag, parse, str } from '../args.ts';
import { type Io, progress, table } from '../io.ts';
import { runOracleConform } from './conform-oracle.ts';

export const summary =
  'check reference codecs against a golden-vector folder or live ggml (bit-exact or first mismatch)';

/** Blocks per type and path of a default oracle run: seconds per type (the nightly passes --blocks 1000000). */
const DEFAULT_ORACLE_BLOCKS = 4096;
const DEFAULT_ORACLE_OUT = 'reports/oracle-mismatches';

/** The family that claims a golden folder. A family that fails to load is reported once, not fatal for the others. */
async function claimant(dir: string, io: Io): Promise<FormatFamily | undefined> {
  const claim = await goldenClaimant(dir);
  for (const u of claim.unloadable) {
    if (!warned.has(u.family)) io.err(`qbench: warning: ${u.reason}\n`);
    warned.add(u.family);
  }
  return claim.family;
}

const warned = new Set<string>();

function failedCase(format: string, name: string, e: unknown): ConformCase {
  const detail = isQbenchError(e) ? `${e.code}: ${e.message}` : String(e);
  return { format, case: name, checks: [{ op: 'golden', ok: false, detail }] };
}

async function conformInterchange(
  dir: string,
  only: string | undefined,
  io: Io,
): Promise<ConformReport | undefined> {
  const folder = openGoldenFolder(dir);
  const m = folder.manifest;
  const id =
    typeof m['type'] === 'string' ? m['type'] : typeof m['format'] === 'string' ? m['format'] : basename(dir);
  if (only !== undefined && id !== only) return undefined;
  const format = await loadFormat(id);
  const bar = progress(io, folder.cases.length);
  const cases = folder.cases.map((c) => {
    bar.tick(`${id}/${c.name}`);
    try {
      return conformInterchangeCase(format, c);
    } catch (e) {
      return failedCase(id, c.name, e);
    }
  });
  bar.done();
  return { folder: dir, cases };
}

export async function conformDir(dir: string, only: string | undefined, io: Io): Promise<ConformReport[]> {
  const own = await claimant(dir, io);
  if (own) return [await own.golden!.conform(dir, only === undefined ? {} : { format: only })];
  const reports: ConformReport[] = [];
  for (const sub of listGoldenFolders(dir)) {
    const fam = await claimant(sub, io);
    try {
      const r = fam
        ? await fam.golden!.conform(sub, only === undefined ? {} : { format: only })
        : await conformInterchange(sub, only, io);
      if (r && r.cases.length > 0) reports.push(r);
    } catch (e) {
      reports.push({ folder: sub, cases: [failedCase(basename(sub), '(folder)', e)] });
    }
  }
  return reports;
}

function tally(cases: ConformCase[], op: string): string {
  const relevant = cases.filter((c) => c.checks.some((k) => k.op === op && k.skipped === undefined));
  if (relevant.length === 0) return '-';
  const ok = relevant.filter((c) => c.checks.filter((k) => k.op === op).every((k) => k.ok)).length;
  return `${ok}/${relevant.length}`;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const p = parse(
    'conform',
    argv,
    {
      golden: { type: 'string' },
      oracle: { type: 'string' },
      blocks: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
    },
    false,
  );
  const oracle = str(p, 'oracle');
  if (oracle !== undefined)
    return runOracleConform(
      {
        oracle,
        format: str(p, 'format'),
        blocks: Number(str(p, 'blocks') ?? DEFAULT_ORACLE_BLOCKS),
        seed: Number(str(p, 'seed') ?? 1),
        out: str(p, 'out') ?? DEFAULT_ORACLE_OUT,
        json: flag(p, 'json'),
      },
      io,
    );
  const dir = str(p, 'golden');
  if (!dir) throw new QbenchError('cli.args', 'conform: --golden DIR or --oracle ggml is required');
  if (!existsSync(dir)) throw new QbenchError('golden.missing', `conform: ${dir}: no such folder`);
  const only = str(p, 'format');
  const reports = await conformDir(dir, only, io);
  const cases = reports.flatMap((r) => r.cases);
  if (only !== undefined && cases.length === 0)
    throw new QbenchError('conform.empty', `conform: no golden cases for format '${only}' under ${dir}`);
  const ok = cases.every(caseOk);
  if (flag(p, 'json')) {
    io.out(`${JSON.stringify({ ok, reports }, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  const byFormat = new Map<string, ConformCase[]>();
  for (const c of cases) byFormat.set(c.format, [...(byFormat.get(c.format) ?? []), c]);
  const otherOps = [...new Set(cases.flatMap((c) => c.checks.map((k) => k.op)))].filter(
    (o) => !['encode', 'decode', 'dot'].includes(o),
  );
  const rows = [...byFormat].map(([format, cs]) => [
    format,
    cs.length,
    tally(cs, 'encode'),
    tally(cs, 'decode'),
    tally(cs, 'dot'),
    ...otherOps.map((o) => tally(cs, o)),
    cs.every(caseOk) ? 'ok' : 'FAIL',
  ]);
  io.out(table(['format', 'cases', 'encode', 'decode', 'dot', ...otherOps, 'verdict'], rows));
  for (const c of cases.filter((x) => !caseOk(x))) {
    for (const k of c.checks.filter((x) => !x.ok && x.skipped === undefined)) {
      io.out(
        `FAIL ${c.format}/${c.case} ${k.op}: ${k.mismatch ? describeMismatch(k.mismatch) : (k.detail ?? '')}\n`,
      );
    }
  }
  const failed = cases.filter((c) => !caseOk(c)).length;
  io.out(`${cases.length - failed} passed, ${failed} failed\n`);
  return ok ? 0 : 1;
}
