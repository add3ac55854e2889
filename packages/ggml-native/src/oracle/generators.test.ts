/**
 * The oracle's generators reach the corners they claim: asserted on what they actually produce, not on
 * their labels. Deterministic from (seed, stream, row); every block and imatrix kind appears.
 */
import { SplitMix64 } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { BLOCK_KINDS, fillBlock, generateRow, IMATRIX_KINDS, randomBytes, rowSeed } from './generators.ts';

const ROWS = 600;
const rows = Array.from({ length: ROWS }, (_, r) => {
  const x = new Float32Array(256);
  const im = new Float32Array(256);
  const recipe = generateRow(rowSeed(1, 3, r), 32, x, im);
  return { x, im, recipe };
});
const blocks = rows.flatMap(({ x, recipe }) =>
  recipe.blocks.map((kind, b) => ({ kind, v: x.subarray(b * 32, (b + 1) * 32) })),
);

const F32_MIN_NORMAL = 2 ** -126;

describe('oracle generators', () => {
  it('are deterministic per (seed, stream, row) and differ across rows and streams', () => {
    const a = new Float32Array(256);
    const b = new Float32Array(256);
    generateRow(rowSeed(1, 3, 7), 32, a);
    generateRow(rowSeed(1, 3, 7), 32, b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    generateRow(rowSeed(1, 3, 8), 32, b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
    generateRow(rowSeed(1, 4, 7), 32, b);
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(false);
  });

  it('use every block kind and imatrix kind, and only finite values', () => {
    expect(new Set(blocks.map((b) => b.kind))).toEqual(new Set(BLOCK_KINDS));
    expect(new Set(rows.map((r) => r.recipe.imatrix))).toEqual(new Set(IMATRIX_KINDS));
    expect(rows.every(({ x, im }) => x.every(Number.isFinite) && im.every(Number.isFinite))).toBe(true);
  });

  it('put −0.0 into one-signed blocks (both signs)', () => {
    const negZeroOneSigned = (sgn: number) =>
      blocks.filter(
        ({ v }) =>
          v.some((e) => Object.is(e, -0)) && v.some((e) => e * sgn > 0) && v.every((e) => e * sgn >= 0),
      ).length;
    expect(negZeroOneSigned(1)).toBeGreaterThan(5);
    expect(negZeroOneSigned(-1)).toBeGreaterThan(5);
  });

  it('reach float32 subnormals, including blocks whose max is so small that 1/max overflows', () => {
    const sub = (e: number) => e !== 0 && Math.abs(e) < F32_MIN_NORMAL;
    expect(blocks.filter(({ v }) => v.some(sub)).length).toBeGreaterThan(20);
    const deep = blocks.filter(({ v }) => {
      const m = Math.max(...v.map(Math.abs));
      return m > 0 && Math.fround(1 / Math.fround(m / 8)) === Infinity; // q4_0's id = 1/(max/−8)
    });
    expect(deep.length).toBeGreaterThan(3);
  });

  it('reach magnitudes where x² overflows float32 and fp16 scales overflow', () => {
    const all = rows.flatMap(({ x }) => [...x]);
    expect(all.filter((e) => Math.fround(e * e) === Infinity).length).toBeGreaterThan(100); // |x| > 1.8e19
    expect(all.some((e) => Math.abs(e) > 1e30)).toBe(true);
    expect(all.filter((e) => Math.abs(e) > 65504 * 127 && Math.abs(e) < 1e12).length).toBeGreaterThan(10);
  });

  it('place values exactly on grid midpoints (k + ½)·d with the block maximum fixing d', () => {
    const rng = new SplitMix64(5);
    const out = new Float32Array(32);
    let onGrid = 0;
    for (let t = 0; t < 50; t++) {
      fillBlock('midpoint', rng, out);
      const m = out[0]!;
      const found = [1, 1.5, 2, 3, 4, 6, 7, 8, 15, 16, 31, 32, 63, 127].some((nmax) => {
        const d = Math.fround(m / nmax);
        return out.every((v, i) => i === 0 || Number.isInteger(v / d - 0.5));
      });
      if (found && out.every((v) => Math.abs(v) <= Math.abs(m))) onGrid++;
    }
    expect(onGrid).toBe(50);
  });

  it('make constant, all-zero, sparse and mixed-scale blocks', () => {
    expect(blocks.filter(({ v }) => v.every((e) => e === v[0]) && v[0] !== 0).length).toBeGreaterThan(5);
    expect(blocks.filter(({ v }) => v.every((e) => Object.is(e, -0))).length).toBeGreaterThan(0);
    expect(
      blocks.filter(({ v }) => v.filter((e) => e === 0).length >= 24 && v.some((e) => e !== 0)).length,
    ).toBeGreaterThan(5);
    // Tiny spans among large ones: ratio of span maxima beyond 1e10 inside one block.
    const mixed = blocks.filter(({ v }) => {
      const a = Math.max(...v.subarray(0, 16).map(Math.abs));
      const b = Math.max(...v.subarray(16).map(Math.abs));
      return Math.max(a, b) > 1e10 * Math.min(a, b) && Math.min(a, b) > 0;
    });
    expect(mixed.length).toBeGreaterThan(5);
  });

  it('make imatrices from exact 0 to 1e30', () => {
    const all = rows.flatMap(({ im }) => [...im]);
    expect(all.some((w) => w === 0)).toBe(true);
    expect(rows.some(({ im }) => im.every((w) => w === 0))).toBe(true);
    expect(all.some((w) => w >= 1e29)).toBe(true);
    expect(all.some((w) => w > 0 && w <= 1e-29)).toBe(true);
    expect(all.every((w) => w >= 0 && w <= 1e30 * 1.0001)).toBe(true);
  });

  it('random bytes cover every byte value', () => {
    const q = new Uint8Array(4096);
    randomBytes(rowSeed(9, 1, 0), q);
    expect(new Set(q).size).toBe(256);
  });
});
