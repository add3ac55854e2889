/**
 * The GGUF work items of the adversarial suite: the malformed-file corpus (per-group share of cases
 * with the expected verdict and code) and the mutation fuzzer (crashes, hangs, agreement, peak memory).
 * `--quick` fuzzes 300 mutants, a full run 10,000 (QBENCH_FUZZ_CASES overrides both). The ggml agreement
 * item holds the scanner against ggml's own loader on the corpus and the same mutants: 300 with --quick,
 * 10,000 by default, 100,000 with --full (QBENCH_GGML_AGREE_CASES overrides).
 */
import { LoaderJudge } from '@qbench/ggml-native';
import { bytesSource, scanGguf } from '@qbench/gguf-file';
import { METRIC, type MetricName, type ResultRecord, type SuiteOptions, type WorkItem } from '@qbench/spec';
import { CORPUS } from './corpus/cases.ts';
import { runFuzz } from './fuzz/fuzz.ts';
import { defaultSeeds } from './fuzz/seeds.ts';
import {
  type CompareResult,
  compareWithGgml,
  corpusFilesForAgreement,
  fuzzMutants,
  seedFiles,
} from './ggml-agree/compare.ts';

// The corpus and fuzzer test the GGUF container parser, not a quantization format: format '-' keeps them off
// the per-format leaderboard rows; the dataset names the container.
const BASE = { suite: 'adversarial', format: '-', kernel: '-', backend: 'reference' } as const;

/** What a GGUF item does: the malformed-file corpus, the fuzzer, or the scan's agreement with ggml's loader. */
export interface GgufPlan {
  kind: 'gguf';
  part: 'corpus' | 'fuzz' | 'ggml-agreement';
}

export const GGUF_ITEMS: readonly WorkItem<GgufPlan>[] = [
  { id: 'adversarial/gguf/corpus', label: 'gguf corpus', plan: { kind: 'gguf', part: 'corpus' } },
  { id: 'adversarial/gguf/fuzz', label: 'gguf fuzz', weight: 10, plan: { kind: 'gguf', part: 'fuzz' } },
  {
    id: 'adversarial/gguf/ggml-agreement',
    label: 'gguf scan vs ggml loader',
    weight: 10,
    plan: { kind: 'gguf', part: 'ggml-agreement' },
  },
];

export async function runCorpus(): Promise<ResultRecord[]> {
  const byGroup = new Map<string, { total: number; met: number; failed: string[] }>();
  for (const c of CORPUS) {
    const g = byGroup.get(c.group) ?? { total: 0, met: 0, failed: [] };
    g.total++;
    try {
      const r = await scanGguf(bytesSource(c.bytes()));
      const ok =
        r.verdict === c.expected.verdict &&
        (!c.expected.code || r.findings.some((f) => f.code === c.expected.code));
      if (ok) g.met++;
      else g.failed.push(c.id);
    } catch (e) {
      g.failed.push(`${c.id} (threw ${(e as Error).message})`);
    }
    byGroup.set(c.group, g);
  }
  const records: ResultRecord[] = [];
  let total = 0;
  let met = 0;
  for (const [group, g] of byGroup) {
    total += g.total;
    met += g.met;
    records.push({
      ...BASE,
      dataset: `gguf-corpus/${group}`,
      metric: METRIC.expectedVerdictRate,
      value: g.met / g.total,
      unit: 'ratio',
      details: { cases: g.total, failed: g.failed },
    });
  }
  records.push({
    ...BASE,
    dataset: 'gguf-corpus',
    metric: METRIC.expectedVerdictRate,
    value: met / total,
    unit: 'ratio',
    details: { cases: total },
  });
  return records;
}

export async function runFuzzItem(options: SuiteOptions, signal?: AbortSignal): Promise<ResultRecord[]> {
  const cases = Number(process.env['QBENCH_FUZZ_CASES'] ?? (options.quick ? 300 : 10_000));
  const r = await runFuzz({
    seeds: await defaultSeeds(),
    cases,
    timeBudgetMs: 20 * 60_000,
    ...(signal ? { signal } : {}),
  });
  const rec = (
    metric: MetricName,
    value: number,
    unit: string,
    details?: Record<string, unknown>,
  ): ResultRecord => ({
    ...BASE,
    dataset: 'gguf-fuzz',
    metric,
    value,
    unit,
    ...(details ? { details } : {}),
  });
  const brief = (xs: typeof r.crashes) =>
    xs.slice(0, 5).map((x) => ({ case: x.case, seed: x.seed, ops: x.ops, reason: x.reason }));
  return [
    rec(METRIC.cases, r.cases, 'count', { verdicts: r.verdicts, findingCodes: r.findingCodes }),
    rec(METRIC.expectedMet, r.expectedMet, 'count'),
    rec(METRIC.crashes, r.crashes.length, 'count', { first: brief(r.crashes) }),
    rec(METRIC.hangs, r.hangs.length, 'count', { first: brief(r.hangs) }),
    rec(METRIC.mismatches, r.mismatches.length, 'count', { first: brief(r.mismatches) }),
    rec(METRIC.peakRss, r.peakRssBytes, 'B', { growth: r.rssGrowthBytes }),
    rec(METRIC.slowestCase, r.slowestCaseMs, 'ms'),
  ];
}

function agreementRecords(set: string, r: CompareResult): ResultRecord[] {
  const t = r.table.summary();
  const rec = (metric: MetricName, value: number, details: Record<string, unknown>): ResultRecord => ({
    ...BASE,
    backend: 'ggml',
    dataset: `gguf-ggml-agreement/${set}`,
    metric,
    value,
    unit: 'count',
    details,
  });
  const brief = (xs: typeof t.bugList) => xs.slice(0, 20);
  return [
    rec(METRIC.files, t.files, { cells: t.cells, scanThrew: r.scanThrew.slice(0, 20) }),
    // The target is 0: a file ggml rejects or crashes on must not pass qbench's scan.
    rec(METRIC.qbenchPassesGgmlFails, t.bugs, { first: brief(t.bugList) }),
    rec(METRIC.qbenchStricter, t.cells['malformed/accepts'], { byCode: t.stricter }),
    rec(METRIC.ggmlCrashes, t.crashList.length, { first: brief(t.crashList) }),
  ];
}

/** The corpus set also holds the fuzzer's four valid seeds (two of them written by ggml itself). */
export async function runGgmlAgreement(options: SuiteOptions, signal?: AbortSignal): Promise<ResultRecord[]> {
  const opened = LoaderJudge.open();
  if (!opened.ok) {
    const reason = `skipped: ggml's loader is unavailable (${opened.reason})`;
    return [
      {
        ...BASE,
        backend: 'ggml',
        dataset: 'gguf-ggml-agreement',
        metric: METRIC.files,
        value: null,
        unit: 'count',
        error: reason,
        details: { skipped: opened.reason },
      },
    ];
  }
  const judge = opened.judge;
  const env = process.env['QBENCH_GGML_AGREE_CASES'];
  const mutants = Number(env ?? (options.quick ? 300 : options.full ? 100_000 : 10_000));
  try {
    const corpus = await compareWithGgml(judge, corpusFilesForAgreement(), signal ? { signal } : {});
    await compareWithGgml(judge, seedFiles(), signal ? { signal } : {}, corpus);
    const fuzz = await compareWithGgml(judge, fuzzMutants(mutants), signal ? { signal } : {});
    return [...agreementRecords('corpus', corpus), ...agreementRecords('mutants', fuzz)];
  } finally {
    judge.close();
  }
}
