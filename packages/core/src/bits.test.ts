import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter, packBits, unpackBits } from './bits.ts';
import { isQbenchError } from './errors.ts';
import { SplitMix64 } from './prng.ts';

describe('bit fields', () => {
  for (const order of ['lsbFirst', 'msbFirst'] as const) {
    it(`${order}: every width 1..8 round-trips random values, mixed widths included`, () => {
      const rng = new SplitMix64(7);
      const widths: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const w = 1 + (rng.nextHalves()[1]! % 8);
        widths.push(w);
        values.push(rng.nextHalves()[1]! & ((1 << w) - 1));
      }
      const total = widths.reduce((a, b) => a + b, 0);
      const writer = new BitWriter(Math.ceil(total / 8), order);
      for (const [i, v] of values.entries()) writer.write(v, widths[i]!);
      expect(writer.position).toBe(total);
      const reader = new BitReader(writer.bytes, order);
      expect(values.map((_, i) => reader.read(widths[i]!))).toEqual(values);
    });
  }

  it('packs nibbles low-first as ggml and high-first as bitsandbytes', () => {
    expect([...packBits([0x1, 0x2, 0x3, 0x4], 4)]).toEqual([0x21, 0x43]);
    expect([...packBits([0x1, 0x2, 0x3, 0x4], 4, 'msbFirst')]).toEqual([0x12, 0x34]);
    expect([...packBits([1, 2, 3, 0], 2)]).toEqual([0b00111001]);
    expect([...unpackBits(Uint8Array.of(0b00111001), 2, 4)]).toEqual([1, 2, 3, 0]);
  });

  it('packs 3-bit fields across byte boundaries', () => {
    const bytes = packBits([7, 0, 5, 3, 1, 6, 2, 4], 3);
    expect(bytes.length).toBe(3);
    expect([...unpackBits(bytes, 3, 8)]).toEqual([7, 0, 5, 3, 1, 6, 2, 4]);
  });

  it('rejects widths outside 1..8, values that do not fit, and reads past the end', () => {
    const w = new BitWriter(1);
    const codes: string[] = [];
    for (const f of [
      () => w.write(1, 0),
      () => w.write(1, 9),
      () => w.write(4, 2),
      () => new BitReader(Uint8Array.of(1)).read(9),
    ]) {
      try {
        f();
      } catch (e) {
        if (isQbenchError(e)) codes.push(e.code);
      }
    }
    const r = new BitReader(Uint8Array.of(0xff));
    r.read(6);
    expect(() => r.read(3)).toThrow(/runs past the 1-byte buffer/);
    expect(codes).toEqual(['bits.width', 'bits.width', 'bits.value', 'bits.width']);
    w.write(3, 4);
    w.write(3, 4);
    expect(() => w.write(1, 1)).toThrow(/runs past/);
  });
});
