/**
 * A 10 GB GGUF (header written, the rest a sparse hole made by truncate) is scanned through a file
 * handle with bounded memory: resident-set growth stays under 200 MB. Only the metadata, the padding
 * and a bounded slice of tensor data (the content budget) are read.
 */
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileSource } from './node.ts';
import { openGguf } from './read.ts';
import { scanGguf } from './scan.ts';
import { writeGgufStream } from './write.ts';

const TEN_GB = 10_000_000_000;
// q8_0 [8192, 1_150_000]: 8192/32 blocks × 34 bytes × 1.15M rows = 10,009,600,000 bytes.
const ROWS = 1_150_000n;
const ROW_BYTES = (8192n / 32n) * 34n;

let dir = '';
let path = '';
let fileSize = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qbench-gguf-sparse-'));
  path = join(dir, 'ten-gb.gguf');
  const stream = writeGgufStream({
    metadata: [
      ['general.architecture', { type: 'str', value: 'sparse' }],
      ['general.quantization_version', { type: 'u32', value: 2 }],
    ],
    tensors: [{ name: 'huge.weight', type: 'q8_0', dims: [8192n, ROWS], data: (async function* () {})() }],
  });
  // The first piece is header + KVs + tensor infos + padding; the data is never produced.
  const meta = (await stream.next()).value as Uint8Array;
  await stream.return(undefined);
  fileSize = meta.length + Number(ROWS * ROW_BYTES);
  expect(fileSize).toBeGreaterThan(TEN_GB);
  const fh = await open(path, 'w');
  try {
    await fh.write(meta, 0, meta.length, 0);
    await fh.truncate(fileSize);
  } finally {
    await fh.close();
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('10 GB sparse file', () => {
  it('scans with resident memory growth under 200 MB', async () => {
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const report = await withFileSource(path, async (src) => {
      expect(src.size).toBe(fileSize);
      const timer = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 5);
      try {
        return await scanGguf(src, { content: { maxBytes: 64 * 1024 * 1024 } });
      } finally {
        clearInterval(timer);
      }
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(report.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(report.findings.map((f) => f.code)).toEqual(['content.partial']);
    expect(report.parsed.tensors[0]!.nbytes).toBe(ROWS * ROW_BYTES);
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('reads only the metadata when content checks are off', async () => {
    await withFileSource(path, async (src) => {
      let bytesRead = 0;
      let reads = 0;
      const counting = {
        size: src.size,
        read: async (offset: number, length: number) => {
          const b = await src.read(offset, length);
          bytesRead += b.length;
          reads++;
          return b;
        },
      };
      const report = await scanGguf(counting, { content: false });
      expect(report.verdict).toBe('clean');
      expect(reads).toBeLessThan(10);
      expect(bytesRead).toBeLessThan(256 * 1024);
    });
  });

  it('reads tensor data on demand in bounded chunks', async () => {
    await withFileSource(path, async (src) => {
      const f = await openGguf(src);
      const t = f.tensor('huge.weight')!;
      let last: Uint8Array | undefined;
      // Only the first chunk is read, then the generator is dropped: nothing else is loaded.
      for await (const piece of f.chunks(t, 1 << 20)) {
        last = piece;
        break;
      }
      expect(last!.length).toBe(Math.floor((1 << 20) / 34) * 34);
      expect(last!.every((b) => b === 0)).toBe(true);
    });
  });
});
