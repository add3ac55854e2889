/**
 * Golden-vector verdicts. Each folder a spec lists (relative to datasets/golden) is checked by the family that
 * claims it (FormatFamily.golden), else read as the interchange format when its manifest names this format.
 * A folder nobody can check (e.g. ggml's vec_dot folder before a family claims it) is a visible 'skip'.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ConformCase,
  caseOk,
  conformInterchangeCase,
  describeMismatch,
  type Format,
  type FormatFamily,
  goldenClaimant,
  openGoldenFolder,
} from '@qbench/core';
import { METRIC, type ResultRecord } from '@qbench/spec';
import { errorText, failed, type Subject, verdict } from './records.ts';

/** A family that fails to load cannot claim anything; its own formats record that failure. */
async function claimant(dir: string): Promise<FormatFamily | undefined> {
  return (await goldenClaimant(dir)).family;
}

function firstFailure(cases: ConformCase[]): Record<string, unknown> | undefined {
  for (const c of cases) {
    for (const k of c.checks) {
      if (k.ok || k.skipped !== undefined) continue;
      return {
        case: c.case,
        op: k.op,
        mismatch: k.mismatch ? describeMismatch(k.mismatch) : (k.detail ?? 'failed'),
        ...(k.mismatch ? { at: k.mismatch } : {}),
      };
    }
  }
  return undefined;
}

function summarise(
  s: Subject,
  dataset: string,
  folder: string,
  cases: ConformCase[],
  handler: string,
): ResultRecord {
  const passed = cases.filter(caseOk).length;
  const ops: Record<string, { passed: number; failed: number; skipped: number }> = {};
  for (const c of cases) {
    for (const k of c.checks) {
      const o = (ops[k.op] ??= { passed: 0, failed: 0, skipped: 0 });
      if (k.skipped !== undefined) o.skipped++;
      else if (k.ok) o.passed++;
      else o.failed++;
    }
  }
  const first = firstFailure(cases);
  const v = cases.length === 0 ? 'skip' : passed === cases.length ? 'pass' : 'fail';
  return verdict(s, dataset, METRIC.golden, v, {
    folder,
    handler,
    cases: cases.length,
    passed,
    failed: cases.length - passed,
    ops,
    ...(cases.length === 0 ? { reason: 'the folder has no case for this format' } : {}),
    ...(first ? { firstFailure: first } : {}),
  });
}

export async function goldenRecords(format: Format, goldenRoot: string, s: Subject): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  const folders = format.spec.golden ?? [];
  if (folders.length === 0) {
    out.push(verdict(s, 'golden', METRIC.golden, 'skip', { reason: 'the spec lists no golden folder' }));
    return out;
  }
  for (const rel of folders) {
    const dataset = `golden:${rel}`;
    const dir = join(goldenRoot, rel);
    if (!existsSync(dir)) {
      out.push(
        verdict(s, dataset, METRIC.golden, 'skip', {
          folder: rel,
          reason: `datasets/golden/${rel} is not present`,
        }),
      );
      continue;
    }
    try {
      const fam = await claimant(dir);
      if (fam) {
        const report = await fam.golden!.conform(dir, { format: format.id });
        out.push(
          summarise(
            s,
            dataset,
            rel,
            report.cases.filter((c) => c.format === format.id),
            `${fam.family} family`,
          ),
        );
        continue;
      }
      const folder = openGoldenFolder(dir);
      const m = folder.manifest;
      const named =
        typeof m['type'] === 'string' ? m['type'] : typeof m['format'] === 'string' ? m['format'] : undefined;
      if (named !== format.id) {
        const kind =
          typeof m['kind'] === 'string' ? ` (kind '${m['kind']}')` : named ? ` (for format '${named}')` : '';
        out.push(
          verdict(s, dataset, METRIC.golden, 'skip', {
            folder: rel,
            reason: `no family claims this folder${kind} and it is not an interchange folder for ${format.id}`,
          }),
        );
        continue;
      }
      const cases = folder.cases.map((c): ConformCase => {
        try {
          return conformInterchangeCase(format, c);
        } catch (e) {
          return {
            format: format.id,
            case: c.name,
            checks: [{ op: 'golden', ok: false, detail: errorText(e) }],
          };
        }
      });
      out.push(summarise(s, dataset, rel, cases, 'interchange'));
    } catch (e) {
      out.push(failed(s, dataset, METRIC.golden, e));
    }
  }
  return out;
}
