/**
 * libopus' golden PVQ data (datasets/golden/pvq: celt/cwrs.c indices, celt/vq.c op_pvq_search results,
 * a BigInt model past 2^32) through the family's golden handler: every check of every case must pass.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeMismatch } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { pvqGolden } from './golden.ts';

const dir = fileURLToPath(new URL('../../../datasets/golden/pvq', import.meta.url));

describe('pvq golden handler', () => {
  it('claims the pvq folder and not a folder without its files', () => {
    expect(pvqGolden.claims(dir)).toBe(true);
    expect(pvqGolden.claims(fileURLToPath(new URL('.', import.meta.url)))).toBe(false);
  });

  it('has no case for a format outside the family', async () => {
    expect((await pvqGolden.conform(dir, { format: 'q4_0' })).cases).toEqual([]);
  });

  it('reproduces every CWRS index, decode, Fischer index, count and search case exactly', async () => {
    const report = await pvqGolden.conform(dir, {});
    const failures = report.cases.flatMap((c) =>
      c.checks
        .filter((k) => !k.ok)
        .map((k) => `${c.case} ${k.op}: ${k.mismatch ? describeMismatch(k.mismatch) : k.detail}`),
    );
    expect(failures.slice(0, 20)).toEqual([]);
    const ops = new Map<string, number>();
    for (const c of report.cases) for (const k of c.checks) ops.set(k.op, (ops.get(k.op) ?? 0) + 1);
    // 723 cwrs.json vectors + 13 enumerations + 104 bigint vectors + 426 searches (index where V < 2^32).
    expect(ops.get('search')).toBe(426);
    expect(ops.get('fischer_decode')).toBe(723 + 104);
    expect(ops.get('bijection')).toBe(13);
    expect(report.cases.filter((c) => c.case.startsWith('vq.json')).length).toBe(426);
    // 24 of those are near ties where a float64 search picks another pulse; they pass only in float32.
    const vq = JSON.parse(readFileSync(`${dir}/vq.json`, 'utf8')) as { cases: { f64_same: boolean }[] };
    expect(vq.cases.filter((c) => !c.f64_same).length).toBe(24);
  });
});
