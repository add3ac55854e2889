/**
 * The scanner held against ggml's own loader: every corpus case and the fuzz item's first mutants (300
 * here; 10,000 by default and 100,000 with --full in `qbench run`) go through both `qbench scan` and
 * gguf_init_from_file in a child process. The bar: no file ggml rejects or crashes on passes the scan
 * (clean or suspicious), ggml does not crash, and every file qbench rejects but ggml accepts is rejected
 * for a documented reason (DELIBERATE_STRICTER). The hand-made cases that once disagreed (NUL bytes in
 * tensor names and keys, nested arrays) land in the cells they must. Skipped, with the reason, where the
 * native package is unavailable.
 */
import { LoaderJudge } from '@qbench/ggml-native';
import { afterAll, describe, expect, it } from 'vitest';
import { runGgmlAgreement } from '../gguf-suite.ts';
import { compareWithGgml, corpusFilesForAgreement } from './compare.ts';
import { DELIBERATE_STRICTER } from './table.ts';

const opened = LoaderJudge.open();
const why = opened.ok ? '' : ` (skipped: ${opened.reason})`;
if (!opened.ok) console.warn(`scanner-vs-ggml agreement skipped: ${opened.reason}`);
afterAll(() => {
  if (opened.ok) opened.judge.close();
});

describe(`qbench scan vs ggml's loader${why}`, () => {
  it.skipIf(!opened.ok)('puts each hand-made disagreement case in its cell', async () => {
    if (!opened.ok) return;
    const ids = [
      'control-valid',
      'name-nul-collision',
      'name-nul-collides-plain',
      'name-nul-unique',
      'name-nul-64-bytes',
      'key-nul-alignment-3',
      'key-nul-alignment-str',
      'key-nul-arch',
      'array-nested-2',
    ];
    const files = [...corpusFilesForAgreement()].filter((f) => ids.includes(f.name.slice('corpus/'.length)));
    expect(files).toHaveLength(ids.length);
    const { table } = await compareWithGgml(opened.judge, files);
    expect(table.cells).toMatchObject({
      'clean/accepts': 1, // control-valid
      'suspicious/accepts': 2, // name-nul-unique, key-nul-arch: load, but the name ggml sees differs
      'malformed/rejects': 6,
      'clean/rejects': 0,
      'suspicious/rejects': 0,
    });
    expect(table.bugList).toEqual([]);
  });

  it.skipIf(!opened.ok)('work item: corpus and 300 mutants, no qbench-passes-ggml-fails file', async () => {
    if (!opened.ok) return;
    const records = await runGgmlAgreement({ quick: true });
    for (const set of ['corpus', 'mutants']) {
      const get = (metric: string) =>
        records.find((r) => r.dataset === `gguf-ggml-agreement/${set}` && r.metric === metric)!;
      const files = get('files');
      expect(files.value as number, set).toBeGreaterThanOrEqual(set === 'corpus' ? 100 : 300);
      expect(files.details?.['scanThrew'], set).toEqual([]);
      const bugs = get('qbench_passes_ggml_fails');
      expect(bugs.value, `${set}: ${JSON.stringify(bugs.details)}`).toBe(0);
      const crashes = get('ggml_crashes');
      expect(crashes.value, `${set}: ${JSON.stringify(crashes.details)}`).toBe(0);
      const stricter = get('qbench_stricter').details?.['byCode'] as Record<string, unknown>;
      for (const code of Object.keys(stricter))
        expect(DELIBERATE_STRICTER, `${set}: ${code}`).toHaveProperty([code]);
      // All three qbench verdicts and both ggml outcomes occur: the mutants reach past the header.
      const cells = files.details?.['cells'] as Record<string, number>;
      expect(cells['malformed/rejects'], set).toBeGreaterThan(0);
      expect((cells['clean/accepts'] ?? 0) + (cells['suspicious/accepts'] ?? 0), set).toBeGreaterThan(0);
    }
  });
});
