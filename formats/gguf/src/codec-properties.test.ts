/**
 * Properties of the q6_k, q3_k, iq4_nl, iq4_xs, tq1_0, tq2_0 and mxfp4 reference codecs beyond the golden
 * vectors and the properties every gguf type has (properties.test.ts): the imatrix path being taken exactly
 * where ggml has one, dot = exact dot of the decoded
 * operands, bad lengths and NaN rejected with errors that name the problem, and the behaviours where ggml
 * differs from the textbook format (MXFP4 ties toward zero and its float log2).
 */
import { generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { TABLES } from './generated/specs.ts';
import { GGML_TYPES } from './reference/index.ts';
import { bestIndexInt8 } from './reference/iq4-search.ts';
import { PROPERTY_N, propertyRow, thrown } from './test-support.ts';

const TYPES = ['q6_k', 'q3_k', 'iq4_nl', 'iq4_xs', 'tq1_0', 'tq2_0', 'mxfp4'] as const;

describe.each(TYPES)('%s reference codec', (id) => {
  it('dot equals the dot of the decoded row with the decoded partner activation', async () => {
    const f = await loadFormat(id);
    const impl = GGML_TYPES[id]!;
    const partner = await loadFormat(impl.vecDotType!);
    const n = PROPERTY_N;
    const x = propertyRow();
    const y = generate({ kind: 'gaussian' }, n, 4242);
    const q = f.reference.encode(x);
    const xd = f.reference.decode(q, n);
    const yd = partner.reference.decode(partner.reference.encode(y), n);
    let exact = 0;
    for (let i = 0; i < n; i++) exact += xd[i]! * yd[i]!;
    const got = f.reference.dot!(q, y);
    const tol = f.spec.tolerance.dot!;
    expect(Math.abs(got - exact)).toBeLessThanOrEqual(tol.absolute! + tol.relative! * Math.abs(exact));
  });

  it('rejects a dot whose weight bytes do not match the activations, naming the expected length', async () => {
    const f = await loadFormat(id);
    const be = f.blockElements;
    const e3 = thrown(() => f.reference.dot!(new Uint8Array(f.blockBytes), new Float32Array(2 * be)));
    expect(e3.code).toBe('codec.bytes');
    expect(e3.message).toContain(`${2 * f.blockBytes}`);
  });
});

describe('ternary types', () => {
  it.each(['tq1_0', 'tq2_0'])('%s stores any {−1, 0, 1} block exactly', async (id) => {
    const f = await loadFormat(id);
    // 256 random ternary blocks (every 5-trit byte pattern occurs with near certainty), max|x| = 1 so d = 1.
    const u = generate({ kind: 'uniform', lo: 0, hi: 3 }, 256 * 256, 99);
    const x = u.map((v) => Math.min(2, Math.floor(v)) - 1);
    for (let b = 0; b < 256; b++) x[256 * b] = 1;
    expect(Array.from(f.reference.decode(f.reference.encode(x), x.length))).toEqual(Array.from(x));
  });

  it('tq1_0 rounds half away from zero: |x| = d/2 becomes ±d', async () => {
    const f = await loadFormat('tq1_0');
    const x = new Float32Array(256);
    x[0] = 2;
    x[1] = 1;
    x[2] = -1;
    x[3] = 0.99;
    const y = f.reference.decode(f.reference.encode(x), 256);
    expect(Array.from(y.slice(0, 4))).toEqual([2, 2, -2, 0]);
  });
});

describe('mxfp4 follows ggml, not OCP MX', () => {
  async function roundTrip(values: number[]): Promise<Float32Array> {
    const f = await loadFormat('mxfp4');
    const x = new Float32Array(32);
    x.set(values);
    return f.reference.decode(f.reference.encode(x), 32);
  }

  it('rounds ties toward zero (OCP rounds them to even)', async () => {
    // amax 6 gives e = 127: the E2M1 grid itself. OCP's ties-to-even would give 1, 2, 4, −2 for 0.75, 1.75,
    // 3.5, −1.75; ggml keeps the smaller magnitude. 2.5 → 2 and 5 → 4 agree with ties-to-even; −0.25 → +0.
    const y = await roundTrip([6, 0.75, 1.75, 3.5, -1.75, 2.5, 5, -0.25]);
    expect(Array.from(y.slice(0, 8))).toEqual([6, 0.5, 1.5, 3, -1.5, 2, 4, 0]);
    expect(Object.is(y[7], 0)).toBe(true);
  });

  it('takes the exponent from a float log2 (amax just below 8 scales as if it were 8)', async () => {
    // OCP's exact floor(log2) would use 2^0 (max 6); ggml's log2f rounds to 3, giving 2^1 and 7.9999995 → 8.
    const y = await roundTrip([Math.fround(8 * (1 - 2 ** -24)), 1, 0.75]);
    expect(Array.from(y.slice(0, 3))).toEqual([8, 1, 1]);
    const f = await loadFormat('mxfp4');
    const x = new Float32Array(32);
    x[0] = Math.fround(8 * (1 - 2 ** -24));
    expect(f.reference.encode(x)[0]).toBe(128);
  });

  it('saturates beyond the grid to ±6·2^(e−127)', async () => {
    // amax 7.9 → e = 127 (grid max 6): 7.5 and −7.9 clamp to the end values.
    const y = await roundTrip([7.5, -7.9]);
    expect(Array.from(y.slice(0, 2))).toEqual([6, -6]);
  });
});

describe('iq4 codebook search (best_index_int8)', () => {
  const values = TABLES.iq4_nl.kvaluesIq4nl;

  it('is the nearest codebook value, clamped at both ends', () => {
    expect(Array.from(values)).toEqual([
      -127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113,
    ]);
    expect(bestIndexInt8(values, -1000)).toBe(0);
    expect(bestIndexInt8(values, 1000)).toBe(15);
    expect(bestIndexInt8(values, 0)).toBe(8);
    expect(bestIndexInt8(values, -5)).toBe(7);
    expect(bestIndexInt8(values, 37)).toBe(11);
  });

  it('sends an exact midpoint to the larger value', () => {
    // −4.5 is halfway between −10 and 1; 19 between 13 and 25; −115.5 between −127 and −104.
    expect(bestIndexInt8(values, -4.5)).toBe(8);
    expect(bestIndexInt8(values, 19)).toBe(10);
    expect(bestIndexInt8(values, -115.5)).toBe(1);
    expect(bestIndexInt8(values, Math.fround(19 - 2 ** -19))).toBe(9);
  });
});
