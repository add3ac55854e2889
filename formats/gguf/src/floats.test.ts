/**
 * ggml's float storage types f32, f16 and bf16 as formats: f32 copies bits (NaN payloads and −0 included),
 * f16/bf16 follow ggml's scalar conversions on the values where implementations differ (NaN payloads,
 * ties, overflow, subnormals), and dot converts the activation to the same type (ggml's vec_dot_type).
 * The exhaustive checks are the golden folders ggml/f16 and ggml/bf16 (golden.test.ts).
 */
import { bitsToF32, generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './test-support.ts';

const fromBits = (bits: number[]): Float32Array => {
  const x = new Float32Array(bits.length);
  new Uint32Array(x.buffer).set(bits);
  return x;
};
const u16 = (q: Uint8Array): number[] => Array.from(new Uint16Array(q.buffer, q.byteOffset, q.length / 2));

describe('f32', () => {
  it('stores the float32 bits unchanged, a signalling NaN payload and −0 included', async () => {
    const f = await loadFormat('f32');
    const bits = [0x7f800001, 0xffbfffff, 0x80000000, 0x00000001, 0x7f7fffff, 0x3f800000];
    const q = f.reference.encode(fromBits(bits), { nonFinite: 'propagate' });
    expect(Array.from(new Uint32Array(q.buffer, q.byteOffset, bits.length))).toEqual(bits);
    const y = f.reference.decode(q, bits.length);
    expect(Array.from(new Uint32Array(y.buffer))).toEqual(bits);
    expect(f.bitsPerWeight).toBe(32);
  });

  it('rejects NaN by default, naming the element', async () => {
    const f = await loadFormat('f32');
    expect(thrown(() => f.reference.encode(fromBits([0, 0x7fc00000]))).message).toMatch(/element 1/);
  });
});

describe('f16 (ggml_fp32_to_fp16)', () => {
  it('rounds ties to even, overflows at 65520, canonicalises every NaN to 0x7E00 | sign', async () => {
    const f = await loadFormat('f16');
    const x = new Float32Array([
      1 + 2 ** -11, // tie between 1 and 1+2^-10: even → 1 (0x3C00)
      1 + 3 * 2 ** -11, // tie: even → 1 + 2^-9 (0x3C02)
      65504,
      65519.99,
      65520, // tie above the max: even → inf
      2 ** -25, // half the smallest subnormal: tie → 0
      2 ** -25 + 2 ** -40, // just above: smallest subnormal
      -0,
    ]);
    const nans = fromBits([0x7fc02000, 0xff800001, 0x7f800001]);
    const q = f.reference.encode(new Float32Array([...x, ...nans]), { nonFinite: 'propagate' });
    expect(u16(q)).toEqual([
      0x3c00, 0x3c02, 0x7bff, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x8000, 0x7e00, 0xfe00, 0x7e00,
    ]);
    expect(f.bitsPerWeight).toBe(16);
  });

  it('decodes exactly (a NaN stays a NaN; payloads are compared by NaN-ness, as the golden README says)', async () => {
    const f = await loadFormat('f16');
    const y = f.reference.decode(new Uint8Array([0x01, 0x00, 0xff, 0x7b, 0x01, 0x7c, 0x00, 0x80]), 4);
    expect(y[0]).toBe(2 ** -24);
    expect(y[1]).toBe(65504);
    expect(Number.isNaN(y[2]!)).toBe(true);
    expect(Object.is(y[3], -0)).toBe(true);
  });
});

describe('bf16 (ggml_fp32_to_bf16)', () => {
  it('rounds ties to even without flushing subnormals; a NaN keeps its top bits with the quiet bit forced', async () => {
    const f = await loadFormat('bf16');
    const x = fromBits([0x3f808000, 0x3f818000, 0x00000001, 0x00008000, 0x7f7fffff, 0x7f800001, 0xff810000]);
    const q = f.reference.encode(x, { nonFinite: 'propagate' });
    expect(u16(q)).toEqual([0x3f80, 0x3f82, 0x0000, 0x0000, 0x7f80, 0x7fc0, 0xffc1]);
    expect(f.reference.decode(new Uint8Array([0x01, 0x00]), 1)[0]).toBe(bitsToF32(0x00010000));
  });
});

describe.each(['f32', 'f16', 'bf16'])('%s dot', (id) => {
  it('is the dot of the decoded row with the activation converted to the same type', async () => {
    const f = await loadFormat(id);
    const n = 1000;
    const x = generate({ kind: 'gaussian' }, n, 7);
    const y = generate({ kind: 'gaussian' }, n, 8);
    const xd = f.reference.decode(f.reference.encode(x), n);
    const yd = f.reference.decode(f.reference.encode(y), n);
    let exact = 0;
    for (let i = 0; i < n; i++) exact += Math.fround(xd[i]! * yd[i]!);
    expect(f.reference.dot!(f.reference.encode(x), y)).toBe(Math.fround(exact));
  });
});
