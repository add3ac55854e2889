import { describe, expect, it } from 'vitest';
import { fixtureResults } from './fixture.ts';
import { buildModel } from './model.ts';

describe('leaderboard row order', () => {
  it('sorts by family, then bits/weight: Double Rounding’s switched widths sit next to Matryoshka’s', () => {
    const base = fixtureResults();
    const ids = ['mwq_r4', 'dround_8', 'mwq_r2', 'dround_8_4', 'mwq_8', 'dround_8_2', 'e2m1', 'llmfp4'];
    const records = ids.map((format) => ({ ...base.records[0]!, format }));
    const rows = buildModel({ ...base, records }).rows;
    expect(rows.map((r) => r.id)).toEqual([
      'e2m1', // minifloat: 4 bits/weight; llmfp4 is 4 too (its 40 bits are per tensor), so the id decides
      'llmfp4',
      'dround_8_2', // mwq: 2.25
      'mwq_r2', // 2.3125
      'dround_8_4',
      'mwq_r4',
      'dround_8',
      'mwq_8',
    ]);
  });
});
