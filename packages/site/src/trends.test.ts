import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultsFile } from '@qbench/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSite } from './build.ts';
import { fixtureFormats, fixtureResults } from './fixture.ts';
import { buildTrends, regressions } from './trends.ts';

/**
 * Nightly batches of the fixture: SQNR constant, wasm throughput of the first format jittering around its
 * value (±2%), then `last` scales that throughput in the newest batch.
 */
function nights(count: number, last: number): ResultsFile[] {
  const jitter = [1, 1.02, 0.98, 1.01, 0.99, 1.015, 0.985, 1.005];
  const target = fixtureFormats()[0]!;
  return Array.from({ length: count }, (_, k) => {
    const day = `2026-01-${String(k + 1).padStart(2, '0')}`;
    const set = fixtureResults(day, `${day}T03:00:00.000Z`);
    set.runs[0]!.qbench.commit = `${k}`.repeat(40);
    const factor = k === count - 1 ? last : jitter[k % jitter.length]!;
    for (const r of set.records)
      if (r.format === target && r.backend === 'wasm-simd128' && r.metric === 'throughput_gbps')
        r.value = (r.value as number) * factor;
    return set;
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('trends across batches', () => {
  it('has one point per batch with its commit, per headline metric', () => {
    const t = buildTrends(nights(3, 1)).get(fixtureFormats()[0]!)!;
    expect(t.map((x) => x.headline.key).sort()).toEqual([
      'kl',
      'sqnr',
      'throughput:wasm-simd128',
      'throughput:webgpu',
    ]);
    const sqnr = t.find((x) => x.headline.key === 'sqnr')!;
    expect(sqnr.points.map((p) => [p.batch, p.commit.slice(0, 3)])).toEqual([
      ['2026-01-01', '000'],
      ['2026-01-02', '111'],
      ['2026-01-03', '222'],
    ]);
    // Three points: two earlier ones are too few for a band.
    expect(t.every((x) => x.band === undefined && x.change === 'no-band')).toBe(true);
  });

  it('marks a drop beyond the band as a regression, and nothing else', () => {
    const t = buildTrends(nights(8, 0.8));
    const bad = regressions(t);
    expect([...bad.keys()]).toEqual([fixtureFormats()[0]]);
    expect(bad.get(fixtureFormats()[0]!)!.map((x) => x.headline.key)).toEqual(['throughput:wasm-simd128']);
    const tp = t.get(fixtureFormats()[0]!)!.find((x) => x.headline.key === 'throughput:wasm-simd128')!;
    expect(tp.band!.points).toBe(7);
    // Constant SQNR: a band of width 0, the latest identical → within noise.
    expect(t.get(fixtureFormats()[0]!)!.find((x) => x.headline.key === 'sqnr')!.change).toBe('within-noise');
  });

  it('keeps a value inside the nightly jitter unmarked, and calls a rise an improvement', () => {
    expect(regressions(buildTrends(nights(8, 0.995))).size).toBe(0);
    const up = buildTrends(nights(8, 1.3)).get(fixtureFormats()[0]!)!;
    expect(up.find((x) => x.headline.key === 'throughput:wasm-simd128')!.change).toBe('improvement');
  });

  it('does not judge a format absent from the newest batch', () => {
    const sets = nights(7, 0.5);
    const newest = sets.at(-1)!;
    newest.records = newest.records.filter((r) => r.format !== fixtureFormats()[0]);
    const t = buildTrends(sets).get(fixtureFormats()[0]!)!;
    expect(t.every((x) => x.change === 'no-band')).toBe(true);
  });

  it('marks the regression on the index and draws the trend lines on the format page', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'qbench-site-trends-'));
    dirs.push(outDir);
    const sets = nights(8, 0.8);
    buildSite({ current: sets.at(-1)!, history: sets, outDir });
    const index = readFileSync(join(outDir, 'index.html'), 'utf8');
    expect(index.match(/data-regression="[^"]+"/g)).toEqual(['data-regression="throughput:wasm-simd128"']);
    expect(index).toContain('1 regression beyond the noise band');
    const page = readFileSync(join(outDir, 'formats', `${fixtureFormats()[0]}.html`), 'utf8');
    expect(page).toContain('regression beyond the noise band');
    // One trend figure per headline, each with a data table listing every batch's commit.
    expect(page.match(/<figure class="plot" id="trend-/g)).toHaveLength(4);
    for (let k = 0; k < 8; k++) expect(page).toContain(`${k}`.repeat(12));
  });
});
