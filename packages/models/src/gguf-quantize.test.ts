/**
 * quantizeGgufFile: f32, f16 and bf16 matrices come out as the codec's encoding of their float values (read
 * back by qbench's reader); 1-D tensors, rows that are not whole blocks and already-quantized tensors are
 * copied byte for byte and listed with the reason; the metadata is kept except general.file_type.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bf16BitsToFp32, fp16BitsToFp32, fp32ToBf16Bits, fp32ToFp16Bits, loadFormat } from '@qbench/core';
import { writeGguf } from '@qbench/gguf-file';
import { openGgufFile } from '@qbench/gguf-file/node';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeGgufFile } from './gguf-quantize.ts';

const tmp = mkdtempSync(join(tmpdir(), 'qbench-gguf-quantize-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 0.1);

describe('quantizeGgufFile', () => {
  it('encodes every float matrix and copies the rest', async () => {
    const q8 = await loadFormat('q8_0');
    const a = values(64 * 3, 1);
    const b16 = Uint16Array.from(values(64 * 2, 2), fp32ToFp16Bits);
    const bb = Uint16Array.from(values(64 * 2, 3), fp32ToBf16Bits);
    const odd = values(40 * 2, 4);
    const norm = values(64, 5);
    const pre = q8.reference.encode(values(64, 6));
    const bytes = (x: ArrayBufferView) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
    const base = join(tmp, 'base.gguf');
    writeFileSync(
      base,
      await writeGguf({
        metadata: [
          ['general.architecture', { type: 'str', value: 'llama' }],
          ['general.file_type', { type: 'u32', value: 0 }],
        ],
        tensors: [
          { name: 'a.weight', type: 'f32', dims: [64, 3], data: bytes(a) },
          { name: 'b.weight', type: 'f16', dims: [64, 2], data: bytes(b16) },
          { name: 'c.weight', type: 'bf16', dims: [64, 2], data: bytes(bb) },
          { name: 'odd.weight', type: 'f32', dims: [40, 2], data: bytes(odd) },
          { name: 'norm.weight', type: 'f32', dims: [64], data: bytes(norm) },
          { name: 'pre.weight', type: 'q8_0', dims: [64, 1], data: pre },
        ],
      }),
    );
    const out = join(tmp, 'q.gguf');
    const r = await quantizeGgufFile(base, 'q8_0', out);
    expect(r.quantized).toEqual(['a.weight', 'b.weight', 'c.weight']);
    expect(r.kept).toEqual([
      { name: 'odd.weight', reason: 'rows of 40 are not whole q8_0 blocks of 32' },
      { name: 'norm.weight', reason: 'not a matrix' },
      { name: 'pre.weight', reason: 'stored as q8_0' },
    ]);
    const f = await openGgufFile(out);
    try {
      expect([...f.metadata.keys()]).toEqual(['general.architecture']);
      const enc = (x: Float32Array) => q8.reference.encode(x, { nPerRow: 64 });
      expect(await f.tensorData('a.weight')).toEqual(enc(a));
      expect(await f.tensorData('b.weight')).toEqual(enc(Float32Array.from(b16, fp16BitsToFp32)));
      expect(await f.tensorData('c.weight')).toEqual(enc(Float32Array.from(bb, bf16BitsToFp32)));
      expect(await f.tensorData('odd.weight')).toEqual(bytes(odd));
      expect(await f.tensorData('norm.weight')).toEqual(bytes(norm));
      expect(await f.tensorData('pre.weight')).toEqual(pre);
      expect(f.tensor('b.weight')!.type!.name).toBe('q8_0');
    } finally {
      await (f.source as { close?: () => Promise<void> }).close?.();
    }
  });
});
