/**
 * History under a renamed format id: records of runs that started before the rename read under the new id
 * (format, kernel and item), later runs keep the id as they wrote it, and merging puts the old torchao
 * `nvfp4` rows beside today's `nvfp4_torchao` rows instead of beside ggml's `nvfp4`.
 */
import { describe, expect, it } from 'vitest';
import { migrateRecord, RENAMED_FORMATS } from './renamed-formats.ts';
import { RESULTS_SCHEMA_VERSION, type RunMetadata, type StoredRecord } from './results.ts';
import { mergeResults } from './results-merge.ts';

const run = (id: string, batch: string, startedAt: string): RunMetadata => ({
  id,
  batch,
  qbench: { version: '0.1.0', commit: 'abc1234' },
  machine: { cpu: 'x', cores: 2, memoryBytes: 1, os: 'Linux', node: 'v20', gpu: null },
  startedAt,
  durationMs: 1,
  shard: null,
  suites: ['throughput'],
  formats: null,
  quick: true,
  complete: true,
});

const rec = (runId: string, format: string): StoredRecord => ({
  run: runId,
  item: `throughput:decode/${format}`,
  suite: 'throughput',
  format,
  kernel: `${format}/decode/wasm-simd128`,
  backend: 'wasm-simd128',
  dataset: 'gaussian',
  metric: 'throughput_gbps',
  value: 1,
  unit: 'GB/s',
});

describe('renamed format ids', () => {
  const before = RENAMED_FORMATS.find((r) => r.from === 'nvfp4')!.before;

  it('reads a record of an earlier run under the new id, a later run’s as written', () => {
    const old = migrateRecord(rec('a', 'nvfp4'), { startedAt: '2026-11-30T00:00:00Z' });
    expect([old.format, old.kernel, old.item]).toEqual([
      'nvfp4_torchao',
      'nvfp4_torchao/decode/wasm-simd128',
      'throughput:decode/nvfp4_torchao',
    ]);
    const later = migrateRecord(rec('b', 'nvfp4'), { startedAt: before });
    expect(later.format).toBe('nvfp4');
    expect(migrateRecord(rec('a', 'nvfp4_torchao'), { startedAt: '2026-11-30T00:00:00Z' }).format).toBe(
      'nvfp4_torchao',
    );
    expect(migrateRecord(rec('a', 'mxfp4'), { startedAt: '2026-11-30T00:00:00Z' }).kernel).toBe(
      'mxfp4/decode/wasm-simd128',
    );
  });

  it('merges old history beside the renamed format', () => {
    const oldRun = run('r1', 'night-1', '2026-11-30T00:00:00Z');
    const newRun = run('r2', 'night-2', '2027-01-02T00:00:00Z');
    const merged = mergeResults([
      { schemaVersion: RESULTS_SCHEMA_VERSION, runs: [oldRun], records: [rec('r1', 'nvfp4')] },
      {
        schemaVersion: RESULTS_SCHEMA_VERSION,
        runs: [newRun],
        records: [rec('r2', 'nvfp4'), rec('r2', 'nvfp4_torchao')],
      },
    ]);
    expect(merged.batches.get('night-1')!.records.map((r) => r.format)).toEqual(['nvfp4_torchao']);
    expect(
      merged.batches
        .get('night-2')!
        .records.map((r) => r.format)
        .sort(),
    ).toEqual(['nvfp4', 'nvfp4_torchao']);
  });
});
