/**
 * The writer: byte-identical round trips of the golden files, alignment from the KV, exact NaN bits, and
 * refusal of bad input, including everything ggml's loader refuses or reads differently (NUL bytes in
 * names and keys, nested arrays, shapes past its element-count guard). That ggml accepts what the writer
 * does write is checked against ggml itself in suites/adversarial (writer-vs-ggml.test.ts).
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openGguf } from './read.ts';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import type { GgufArray, GgufValue } from './values.ts';
import { writeGguf, writeInputFrom } from './write.ts';

const goldenDir = fileURLToPath(new URL('../../../datasets/golden/gguf/', import.meta.url));

describe('writer', () => {
  it.each(['kv-all-types.gguf', 'quant-mix-align64.gguf'])(
    'reads and writes back %s byte for byte',
    async (name) => {
      const bytes = new Uint8Array(await readFile(goldenDir + name));
      const f = await openGguf(bytesSource(bytes));
      const out = await writeGguf(writeInputFrom(f));
      expect(out.length).toBe(bytes.length);
      expect(Buffer.from(out).equals(Buffer.from(bytes))).toBe(true);
    },
  );

  it('lays out offsets, padding and the file end by general.alignment', async () => {
    const data = (n: number, fill: number) => new Uint8Array(n).fill(fill);
    const out = await writeGguf({
      metadata: [
        ['general.architecture', { type: 'str', value: 'test' }],
        ['general.alignment', { type: 'u32', value: 128 }],
        ['general.quantization_version', { type: 'u32', value: 2 }],
      ],
      tensors: [
        { name: 'a', type: 'f32', dims: [3], data: data(12, 1) },
        { name: 'b', type: 'q8_0', dims: [32, 2], data: data(68, 0) },
        { name: 'c', type: 'f16', dims: [5], data: data(10, 2) },
      ],
    });
    const f = await openGguf(bytesSource(out));
    expect(f.alignment).toBe(128);
    expect(f.dataOffset % 128).toBe(0);
    expect(f.tensors.map((t) => Number(t.offset))).toEqual([0, 128, 256]);
    expect(out.length).toBe(f.dataOffset + 384);
    const report = await scanGguf(bytesSource(out));
    expect(report.findings.filter((x) => x.severity !== 'info')).toEqual([]);
  });

  it('round-trips every scalar type, −0.0, NaN bits and a v2 header', async () => {
    const metadata: [string, GgufValue][] = [
      ['general.architecture', { type: 'str', value: 't' }],
      ['x.u8', { type: 'u8', value: 200 }],
      ['x.i8', { type: 'i8', value: -100 }],
      ['x.f64', { type: 'f64', value: -0 }],
      ['x.bools', { type: 'arr', elementType: 'bool', length: 2n, values: new Uint8Array([1, 0]) }],
    ];
    const bytes = await writeGguf({ version: 2, metadata });
    const f = await openGguf(bytesSource(bytes));
    expect(f.version).toBe(2);
    expect(f.findings.map((x) => x.code)).toEqual([]);
    const again = await writeGguf(writeInputFrom(f));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
    expect(Object.is((f.metadata.get('x.f64') as { value: number }).value, -0)).toBe(true);
  });

  it('keeps the exact bits of scalar f32/f64 NaNs (signalling, payload, sign) through read and write', async () => {
    // Patch the value bytes of two float KVs in a written file, then read and write it back.
    const bytes = await writeGguf({
      metadata: [
        ['general.architecture', { type: 'str', value: 't' }],
        ['x.f32', { type: 'f32', value: 1.5 }],
        ['x.f64', { type: 'f64', value: 1.5 }],
      ],
    });
    const view = new DataView(bytes.buffer);
    // header 24 + 'general.architecture' KV (8 + 20 + 4 + 8 + 1) + 'x.f32' key and type (8 + 5 + 4)
    const f32At = 24 + 41 + 17;
    const f64At = f32At + 4 + 17;
    expect(view.getFloat32(f32At, true)).toBe(1.5);
    expect(view.getFloat64(f64At, true)).toBe(1.5);
    for (const [b32, b64] of [
      [0x7fa00001, 0x7ff4000000000abcn], // signalling NaNs with payloads
      [0xffc00123, 0xfff8000000000001n], // negative quiet NaNs with payloads
    ] as const) {
      view.setUint32(f32At, b32, true);
      view.setBigUint64(f64At, b64, true);
      const f = await openGguf(bytesSource(bytes));
      expect((f.metadata.get('x.f32') as { bits?: number }).bits).toBe(b32);
      const again = await writeGguf(writeInputFrom(f));
      expect(new DataView(again.buffer).getUint32(f32At, true).toString(16)).toBe(b32.toString(16));
      expect(new DataView(again.buffer).getBigUint64(f64At, true).toString(16)).toBe(b64.toString(16));
    }
  });

  it('streams tensor data given as pieces', async () => {
    async function* pieces() {
      yield new Uint8Array(8).fill(7);
      yield new Uint8Array(8).fill(9);
    }
    const out = await writeGguf({
      metadata: [['general.architecture', { type: 'str', value: 't' }]],
      tensors: [{ name: 'x', type: 'i32', dims: [4], data: pieces() }],
    });
    const f = await openGguf(bytesSource(out));
    expect([...(await f.tensorData('x'))]).toEqual([7, 7, 7, 7, 7, 7, 7, 7, 9, 9, 9, 9, 9, 9, 9, 9]);
  });

  it('refuses input a conforming reader would reject', async () => {
    const meta = [['general.architecture', { type: 'str', value: 't' }]] as const;
    const bad = [
      { metadata: [...meta, ['general.alignment', { type: 'u32', value: 24 }] as const] },
      { metadata: [...meta, ['general.alignment', { type: 'u64', value: 32n }] as const] },
      { metadata: [...meta, ...meta] },
      {
        metadata: meta,
        tensors: [{ name: 'x'.repeat(64), type: 'f32', dims: [1], data: new Uint8Array(4) }],
      },
      { metadata: meta, tensors: [{ name: 'q', type: 'q4_k', dims: [100], data: new Uint8Array(0) }] },
      { metadata: meta, tensors: [{ name: 'q', type: 4, dims: [32], data: new Uint8Array(0) }] },
      { metadata: meta, tensors: [{ name: 'f', type: 'f32', dims: [2], data: new Uint8Array(4) }] },
      {
        metadata: meta,
        tensors: [{ name: 'f', type: 'f32', dims: [1, 1, 1, 1, 1], data: new Uint8Array(4) }],
      },
      // What ggml's loader refuses or reads differently from the bytes:
      {
        metadata: [
          ...meta,
          ['x.nested', { type: 'arr', elementType: 'arr', length: 0n, values: [] as GgufArray[] }] as const,
        ],
      },
      { metadata: [...meta, ['general.alignment\0x', { type: 'u32', value: 32 }] as const] },
      { metadata: [...meta, ['', { type: 'u32', value: 32 }] as const] },
      {
        metadata: meta,
        tensors: [
          { name: 'w\0a', type: 'f32', dims: [1], data: new Uint8Array(4) },
          { name: 'w\0b', type: 'f32', dims: [1], data: new Uint8Array(4) },
        ],
      },
      { metadata: meta, tensors: [{ name: 'w\0', type: 'f32', dims: [1], data: new Uint8Array(4) }] },
      // ggml's element-count guard: INT64_MAX / ne[1] <= ne[0]
      {
        metadata: meta,
        tensors: [{ name: 'big', type: 'f32', dims: [1n << 32n, 1n << 31n], data: new Uint8Array(0) }],
      },
    ];
    for (const input of bad)
      await expect(
        writeGguf(input),
        JSON.stringify(input, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
      ).rejects.toMatchObject({ code: 'gguf.write' });
    await expect(
      writeGguf({
        metadata: meta,
        tensors: [{ name: 'w\0a', type: 'f32', dims: [1], data: new Uint8Array(4) }],
      }),
    ).rejects.toThrow(/NUL byte at 1: ggml would read it as 'w'/);
  });
});
