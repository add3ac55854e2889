/**
 * `qbench run` / `merge` / `site` end to end on the real round-trip suite (--quick, two formats): three
 * shards merged give exactly the records of one unsharded run; merge refuses a non-conforming input naming
 * the file and the JSON pointer; several batches are kept as history.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResultsFile, recordKey, type StoredRecord } from '@qbench/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../test-support.ts';

const FORMATS = 'q4_0,q8_0';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qbench-run-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A record without what legitimately differs between runs (the run id, timings inside details). */
function comparable(records: StoredRecord[]): string[] {
  return records.map((r) => JSON.stringify({ ...r, run: undefined })).sort();
}

describe('qbench run → merge → site', () => {
  it('three shards merged equal one unsharded run', async () => {
    const whole = await runCli([
      'run',
      '--suite',
      'roundtrip',
      '--quick',
      '--format',
      FORMATS,
      '--out',
      join(dir, 'whole'),
      '--no-site',
    ]);
    expect(whole.code, whole.err).toBe(0);
    const shardDirs: string[] = [];
    const shardKeys: string[][] = [];
    for (const i of [1, 2, 3]) {
      const out = join(dir, `shard${i}`);
      const r = await runCli([
        'run',
        '--suite',
        'roundtrip',
        '--quick',
        '--format',
        FORMATS,
        '--shard',
        `${i}/3`,
        '--out',
        out,
        '--no-site',
        '--batch',
        'night-1',
      ]);
      expect(r.code, r.err).toBe(0);
      shardDirs.push(out);
      shardKeys.push(readResultsFile(join(out, 'results.json')).records.map((x) => x.item));
    }
    const items = shardKeys.map((k) => new Set(k));
    // Every item in exactly one shard.
    const all = items.flatMap((s) => [...s]);
    expect(new Set(all).size).toBe(all.length);
    const merged = await runCli(['merge', ...shardDirs, '--out', join(dir, 'merged')]);
    expect(merged.code, merged.err).toBe(0);
    const a = readResultsFile(join(dir, 'whole', 'results.json'));
    const b = readResultsFile(join(dir, 'merged', 'results.json'));
    expect(b.runs).toHaveLength(3);
    expect(a.records.length).toBeGreaterThan(20);
    expect(new Set(a.records.map((r) => r.format))).toEqual(new Set(FORMATS.split(',')));
    expect(comparable(b.records)).toEqual(comparable(a.records));
    expect(existsSync(join(dir, 'merged', 'index.html'))).toBe(true);
    expect(existsSync(join(dir, 'merged', 'history', 'night-1.json'))).toBe(true);
    expect(readFileSync(join(dir, 'merged', 'history', 'index.txt'), 'utf8')).toBe('night-1.json\n');
  });

  it('--list shows each shard its items: disjoint, and together the whole plan', async () => {
    const ids = async (extra: string[]) => {
      const r = await runCli([
        'run',
        '--list',
        '--suite',
        'roundtrip',
        '--quick',
        '--format',
        FORMATS,
        ...extra,
      ]);
      expect(r.code, r.err).toBe(0);
      return r.out
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]!);
    };
    const whole = await ids([]);
    const parts = [await ids(['--shard', '1/2']), await ids(['--shard', '2/2'])];
    expect([...parts[0]!, ...parts[1]!].sort()).toEqual([...whole].sort());
    expect(parts[0]!.filter((x) => parts[1]!.includes(x))).toEqual([]);
    expect(whole).toContain('roundtrip:q4_0/golden');
  });

  it('merging a shard twice, or a previous night, neither doubles nor loses records', async () => {
    const again = await runCli([
      'merge',
      join(dir, 'merged'),
      join(dir, 'shard1'),
      join(dir, 'whole'),
      '--out',
      join(dir, 'history'),
      '--no-site',
    ]);
    expect(again.code, again.err).toBe(0);
    const latest = readResultsFile(join(dir, 'history', 'results.json'));
    const night = readResultsFile(join(dir, 'history', 'history', 'night-1.json'));
    const whole = readResultsFile(join(dir, 'whole', 'results.json'));
    // The unsharded run started first (its own batch, today's date); night-1 is the latest batch.
    expect(latest.runs.map((r) => r.batch)).toEqual(['night-1', 'night-1', 'night-1']);
    expect(new Set(night.records.map(recordKey)).size).toBe(night.records.length);
    expect(comparable(night.records)).toEqual(comparable(whole.records));
    expect(existsSync(join(dir, 'history', 'history', `${whole.runs[0]!.batch}.json`))).toBe(true);
  });

  it('merge refuses a non-conforming input with its file and JSON pointer', async () => {
    const bad = join(dir, 'bad');
    const r = await runCli([
      'run',
      '--suite',
      'roundtrip',
      '--quick',
      '--format',
      'q8_0',
      '--out',
      bad,
      '--no-site',
    ]);
    expect(r.code).toBe(0);
    const file = join(bad, 'results.json');
    const data = JSON.parse(readFileSync(file, 'utf8'));
    data.records[2].value = { nested: true };
    delete data.runs[0].machine.cpu;
    writeFileSync(file, JSON.stringify(data));
    const m = await runCli(['merge', bad, '--out', join(dir, 'never')]);
    expect(m.code).toBe(1);
    expect(m.err).toContain(`results.invalid: ${file}:`);
    expect(m.err).toContain("/runs/0/machine: missing required property 'cpu'");
    expect(m.err).toContain('/records/2/value');
    expect(existsSync(join(dir, 'never', 'results.json'))).toBe(false);
  });

  it('site builds pages from a results folder; unknown suites and formats are one-line errors', async () => {
    const s = await runCli(['site', join(dir, 'history'), '--out', join(dir, 'site')]);
    expect(s.code, s.err).toBe(0);
    const index = readFileSync(join(dir, 'site', 'index.html'), 'utf8');
    expect(index).toContain('href="formats/q4_0.html"');
    expect(existsSync(join(dir, 'site', 'results.json'))).toBe(true);
    const u = await runCli(['run', '--suite', 'nope', '--out', join(dir, 'x')]);
    expect(u.code).toBe(2);
    expect(u.err).toMatch(/unknown suite 'nope'/);
    const f = await runCli(['run', '--format', 'q4_00', '--out', join(dir, 'x')]);
    expect(f.code).toBe(1);
    expect(f.err).toMatch(/format.unknown: unknown format 'q4_00'/);
    const sh = await runCli(['run', '--shard', '4/3', '--out', join(dir, 'x')]);
    expect(sh.err).toMatch(/--shard 4\/3/);
  });
});
