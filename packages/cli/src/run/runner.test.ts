/**
 * The runner with in-memory suites: failures become records, malformed records are refused, sharding is a
 * partition, an abort keeps finished items on disk and --resume finishes exactly the rest.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MetricName, type ResultRecord, readResultsFile, type Suite } from '@qbench/spec';
import { afterEach, describe, expect, it } from 'vitest';
import type { Io } from '../io.ts';
import { Journal } from './journal.ts';
import { type RunOptions, runSuites } from './runner.ts';
import { assignShards, parseShard, selectShard } from './shard.ts';

const temps: string[] = [];
afterEach(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'qbench-runner-'));
  temps.push(d);
  return d;
}

const quietIo: Io = { out: () => {}, err: () => {}, interactive: false };

function rec(format: string, metric: MetricName, value: ResultRecord['value']): ResultRecord {
  return {
    suite: 'fake',
    format,
    kernel: 'reference',
    backend: 'reference',
    dataset: 'd',
    metric,
    value,
    unit: '',
  };
}

/** Items a..j; item 'c' throws, 'd' returns a malformed record, 'e' repeats a key, 'f' measures Infinity. */
function fakeSuite(calls: string[], onItem?: (id: string) => void): Suite<{ letter: string }> {
  return {
    name: 'fake',
    summary: 'test suite',
    async workItems() {
      return 'abcdefghij'.split('').map((id, i) => ({
        id,
        label: `item ${id}`,
        format: `f${id}`,
        weight: 1 + (i % 3),
        plan: { letter: id },
      }));
    },
    async runItem(item, _options, ctx) {
      // the plan workItems gave, handed back by the runner
      calls.push(item.plan.letter);
      if (item.id === 'b') ctx.setGpuAdapter('Test GPU (fake)');
      onItem?.(item.id);
      if (item.id === 'c') throw new Error('kaboom');
      if (item.id === 'd') return [{ ...rec('fd', 'nmse', 1), value: undefined } as unknown as ResultRecord];
      if (item.id === 'e') return [rec('fe', 'nmse', 1), rec('fe', 'nmse', 2)];
      if (item.id === 'f') return [rec('ff', 'sqnr_db', Number.POSITIVE_INFINITY)];
      return [rec(`f${item.id}`, 'nmse', item.id.charCodeAt(0))];
    },
  };
}

function options(out: string, suite: Suite, extra: Partial<RunOptions> = {}): RunOptions {
  return {
    root: process.cwd(),
    cliRoot: process.cwd(),
    suites: [suite],
    quick: true,
    shard: null,
    out,
    resume: false,
    io: quietIo,
    signal: new AbortController().signal,
    ...extra,
  };
}

describe('shards', () => {
  it('parses i/n and refuses nonsense', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/2/3']) expect(() => parseShard(bad)).toThrow(/--shard/);
  });

  it('partitions items deterministically and balances weight', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ id: `s:${i}`, weight: 1 + (i % 4) }));
    const shards = [1, 2, 3].map((index) => selectShard(items, { index, count: 3 }).map((i) => i.id));
    expect(shards.flat().sort()).toEqual(items.map((i) => i.id).sort());
    expect(new Set(shards.flat()).size).toBe(items.length);
    expect(
      selectShard([...items].reverse(), { index: 2, count: 3 })
        .map((i) => i.id)
        .sort(),
    ).toEqual([...shards[1]!].sort());
    const loads = [0, 1, 2].map((s) =>
      [...assignShards(items, 3)]
        .filter(([, v]) => v === s)
        .reduce((n, [id]) => n + (items.find((i) => i.id === id)!.weight ?? 1), 0),
    );
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(4);
  });
});

describe('runSuites', () => {
  it('turns a crash, malformed records and repeated keys into error records and keeps going', async () => {
    const out = tmp();
    const calls: string[] = [];
    const r = await runSuites(options(out, fakeSuite(calls)));
    expect(calls).toHaveLength(10);
    expect(r.complete).toBe(true);
    const file = readResultsFile(join(out, 'results.json'));
    const byItem = (id: string) => file.records.filter((x) => x.item === `fake:${id}`);
    expect(byItem('c')).toMatchObject([{ metric: 'item', value: null, error: 'kaboom', format: 'fc' }]);
    expect(byItem('d')[0]!.error).toMatch(/do not conform to results.schema.json/);
    expect(byItem('e')[0]!.error).toMatch(/same key/);
    expect(byItem('f')[0]!.value).toBe('Infinity');
    expect(byItem('a')).toMatchObject([{ value: 97, run: file.runs[0]!.id }]);
    expect(file.runs[0]!.items).toBe(10);
    expect(r.failedItems).toBe(3);
    // Which native ggml the run had (the oracle and baseline), or why none: never silently absent.
    const ggml = file.runs[0]!.ggml;
    expect(ggml?.available ? ggml.ggmlVersion : ggml?.reason).toMatch(/\S/);
  });

  it('keeps finished items when aborted and --resume runs only the rest', async () => {
    const out = tmp();
    const calls: string[] = [];
    const ac = new AbortController();
    // Abort while item 'e' runs (the 5th): a..d stay, 'e' is cut short and not stored.
    const first = await runSuites(
      options(
        out,
        fakeSuite(calls, (id) => id === 'e' && ac.abort()),
        { signal: ac.signal },
      ),
    );
    expect(first.complete).toBe(false);
    const partial = readResultsFile(join(out, 'results.json'));
    expect(partial.runs[0]!.complete).toBe(false);
    expect([...new Set(partial.records.map((x) => x.item))]).toEqual([
      'fake:a',
      'fake:b',
      'fake:c',
      'fake:d',
    ]);
    expect(Journal.read(join(out, 'records.jsonl')).done.size).toBe(4);

    const again: string[] = [];
    const second = await runSuites(options(out, fakeSuite(again), { resume: true }));
    expect(again).toEqual(['e', 'f', 'g', 'h', 'i', 'j']);
    expect(second.complete).toBe(true);
    const full = readResultsFile(join(out, 'results.json'));
    expect(full.runs).toHaveLength(1);
    expect(full.runs[0]!.id).toBe(partial.runs[0]!.id);
    // Reported in the first segment (item b), still known after the resume.
    expect(full.runs[0]!.machine.gpu).toBe('Test GPU (fake)');
    expect(new Set(full.records.map((x) => x.item)).size).toBe(10);
  });

  it('refuses to resume a journal written with other options, and ignores a torn last line', async () => {
    const out = tmp();
    await runSuites(options(out, fakeSuite([]), { shard: { index: 1, count: 2 } }));
    await expect(runSuites(options(out, fakeSuite([]), { resume: true }))).rejects.toThrow(
      /other options.*shard 1\/2 vs none/,
    );
    const journal = join(out, 'records.jsonl');
    const text = readFileSync(journal, 'utf8');
    const lines = text.trimEnd().split('\n');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(journal, `${lines.slice(0, -1).join('\n')}\n${lines.at(-1)!.slice(0, 20)}`);
    const calls: string[] = [];
    const r = await runSuites(
      options(out, fakeSuite(calls), { resume: true, shard: { index: 1, count: 2 } }),
    );
    expect(calls).toHaveLength(1);
    expect(r.complete).toBe(true);
    expect(existsSync(join(out, 'results.json'))).toBe(true);
  });

  it('records a suite whose workItems() throws as one error item', async () => {
    const out = tmp();
    const broken: Suite = {
      name: 'broken',
      summary: '',
      workItems: () => Promise.reject(new Error('no items')),
      runItem: async () => [],
    };
    await runSuites(options(out, broken));
    const file = readResultsFile(join(out, 'results.json'));
    expect(file.records).toMatchObject([
      { item: 'broken:workItems', suite: 'broken', metric: 'item', value: null, error: 'no items' },
    ]);
  });
});
