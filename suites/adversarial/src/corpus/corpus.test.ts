/** Every corpus case, scanned in memory: the verdict and the finding code must be the expected ones. */
import { bytesSource, scanGguf } from '@qbench/gguf-file';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './cases.ts';

describe('adversarial GGUF corpus', () => {
  it('has at least 60 malformed or suspicious cases with unique ids', () => {
    expect(new Set(CORPUS.map((c) => c.id)).size).toBe(CORPUS.length);
    expect(CORPUS.filter((c) => c.expected.verdict !== 'clean').length).toBeGreaterThanOrEqual(60);
  });

  it.each(CORPUS.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const bytes = c.bytes();
    expect(bytes.length).toBeLessThan(1 << 20); // minimal files: a hostile header, not a big payload
    const report = await scanGguf(bytesSource(bytes));
    const codes = report.findings.map((f) => f.code);
    expect({ verdict: report.verdict, codes }).toMatchObject({ verdict: c.expected.verdict });
    if (c.expected.code) expect(codes).toContain(c.expected.code);
    for (const f of report.findings) {
      expect(f.offset).toBeGreaterThanOrEqual(0);
      expect(f.offset).toBeLessThanOrEqual(Math.max(bytes.length, 24));
      expect(f.message.length).toBeGreaterThan(0);
    }
  });
});

describe('adversarial suite: corpus work item', () => {
  it('reports an expected-verdict rate of 1 per group and overall', async () => {
    const { runCorpus } = await import('../gguf-suite.ts');
    const records = await runCorpus();
    const overall = records.find((r) => r.dataset === 'gguf-corpus')!;
    expect(overall).toMatchObject({ suite: 'adversarial', metric: 'expected_verdict_rate', value: 1 });
    for (const r of records) expect(r.value, `${r.dataset}: ${JSON.stringify(r.details)}`).toBe(1);
  });
});
