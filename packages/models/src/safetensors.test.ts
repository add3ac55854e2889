import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors, openSafetensors } from './safetensors.ts';

const dir = mkdtempSync(join(tmpdir(), 'qbench-st-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function withHeader(header: object, dataBytes = 0): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('safetensors reader', () => {
  it('round-trips float32 tensors and metadata; reads F16 and BF16 exactly', async () => {
    const a = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 3);
    const p = file(
      'ok.safetensors',
      encodeSafetensors(
        [
          { name: 'w', shape: [3, 4], data: a },
          { name: 'b', shape: [2], data: Float32Array.of(1, -2) },
        ],
        { format: 'pt' },
      ),
    );
    const st = await openSafetensors(p);
    expect(st.metadata).toEqual({ format: 'pt' });
    expect(st.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['w', [3, 4]],
      ['b', [2]],
    ]);
    expect(await st.readFloat32('w')).toEqual(a);
    await st.close();

    const h = {
      x: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      y: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
    };
    const bytes = withHeader(h, 6);
    const d = new DataView(bytes.buffer, bytes.length - 6);
    d.setUint16(0, 0x3c00, true); // 1.0
    d.setUint16(2, 0xc000, true); // -2.0
    d.setUint16(4, 0x4049, true); // bf16 3.140625
    const st2 = await openSafetensors(file('half.safetensors', bytes));
    expect([...(await st2.readFloat32('x'))]).toEqual([1, -2]);
    expect([...(await st2.readFloat32('y'))]).toEqual([3.140625]);
    await st2.close();
  });

  it.each([
    [
      'a header length past the end of the file',
      (() => {
        const b = new Uint8Array(16);
        new DataView(b.buffer).setBigUint64(0, 2n ** 63n, true);
        return b;
      })(),
      /header length 9223372036854775808 exceeds/,
    ],
    ['a file shorter than 8 bytes', new Uint8Array(3), /shorter than the 8-byte header length/],
    [
      'invalid JSON',
      withHeader({}).map((v, i) => (i === 8 ? 0x7b : i === 9 ? 0x7b : v)),
      /not valid UTF-8 JSON/,
    ],
    [
      'an unknown dtype',
      withHeader({ t: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, 16),
      /unknown dtype "F128"/,
    ],
    [
      'a range past the data',
      withHeader({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, 8),
      /past the 8-byte data section/,
    ],
    [
      'a shape that does not match the range',
      withHeader({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 16] } }, 16),
      /needs 12 bytes, the range holds 16/,
    ],
    [
      'overlapping tensors',
      withHeader(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
        },
        12,
      ),
      /overlap/,
    ],
  ])('rejects %s with a message naming the file', async (_what, bytes, message) => {
    const p = file(`bad-${Math.random().toString(36).slice(2)}.safetensors`, bytes);
    await expect(openSafetensors(p)).rejects.toThrow(message);
    await expect(openSafetensors(p)).rejects.toThrow(p);
  });
});
