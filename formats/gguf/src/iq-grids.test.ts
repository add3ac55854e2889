/**
 * The generated i-quant grids and sign tables against ggml's own decoder: each golden folder's `grid_walk`
 * case holds blocks crafted to select every grid entry once (fp16 d = 1, scale fields 0, known sign bits),
 * dequantized by native ggml. The expected values are rebuilt here from the spec tables alone, not through
 * qbench's decoders, so a retyped or mis-ordered table entry shows up as that entry.
 * Also: the neighbour maps built from the grids (iq-neighbours.ts) have ggml's structure.
 */
import { fileURLToPath } from 'node:url';
import { openGoldenFolder } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import {
  IQ1S_GRID,
  IQ2S_GRID,
  IQ2XS_GRID,
  IQ2XXS_GRID,
  IQ3S_GRID,
  IQ3XXS_GRID,
  KSIGNS_IQ2XS,
} from './reference/iq-grids.ts';
import { gridSearch } from './reference/iq-neighbours.ts';

const goldenRoot = fileURLToPath(new URL('../../../datasets/golden/ggml/', import.meta.url));

function gridWalk(type: string): Float32Array {
  const c = openGoldenFolder(goldenRoot + type).cases.find((k) => k.name === 'grid_walk')!;
  return c.f32('out');
}

/** Expected grid_walk output: entry e at group slot e, value = db · grid[e][j] · sign(e, j). */
function expected(
  grid: ArrayLike<number>,
  width: number,
  db: number,
  sign: (e: number, j: number) => number,
  shift = 0,
): Float32Array {
  const entries = grid.length / width;
  const y = new Float32Array(entries * width);
  for (let e = 0; e < entries; e++)
    for (let j = 0; j < width; j++)
      y[width * e + j] = Math.fround(db * (grid[width * e + j]! + shift)) * sign(e, j);
  return y;
}

const bit = (byte: number, j: number) => ((byte >> j) & 1 ? -1 : 1);

describe('i-quant grids equal what ggml decodes', () => {
  it('iq2_xxs: iq2xxsGrid, ksignsIq2xs (sign index e mod 128), db = 1·0.5·0.25', () => {
    expect(gridWalk('iq2_xxs')).toEqual(
      expected(IQ2XXS_GRID, 8, 0.125, (e, j) => bit(KSIGNS_IQ2XS[e % 128]!, j)),
    );
  });
  it('iq2_xs: iq2xsGrid (512 entries)', () => {
    expect(gridWalk('iq2_xs')).toEqual(
      expected(IQ2XS_GRID, 8, 0.125, (e, j) => bit(KSIGNS_IQ2XS[e % 128]!, j)),
    );
  });
  it('iq2_s: iq2sGrid (1024 entries), explicit sign byte e mod 256', () => {
    expect(gridWalk('iq2_s')).toEqual(expected(IQ2S_GRID, 8, 0.125, (e, j) => bit(e & 255, j)));
  });
  it('iq3_xxs: iq3xxsGrid, signs ksignsIq2xs[(e >> 1) mod 128] per 8 weights, db = 1·0.5·0.5', () => {
    expect(gridWalk('iq3_xxs')).toEqual(
      expected(IQ3XXS_GRID, 4, 0.25, (e, j) => bit(KSIGNS_IQ2XS[(e >> 1) % 128]!, j + 4 * (e & 1))),
    );
  });
  it('iq3_s: iq3sGrid (512 entries), sign byte (e >> 1) mod 256, db = 1', () => {
    expect(gridWalk('iq3_s')).toEqual(
      expected(IQ3S_GRID, 4, 1, (e, j) => bit((e >> 1) & 255, j + 4 * (e & 1))),
    );
  });
  it('iq1_s and iq1_m: iq1sGrid (2048 entries) + IQ1S_DELTA, dl = 1', () => {
    const want = expected(IQ1S_GRID, 8, 1, () => 1, 0.125);
    expect(gridWalk('iq1_s')).toEqual(want);
    expect(gridWalk('iq1_m')).toEqual(want);
  });
});

describe('neighbour maps (iq2xs_init_impl / iq3xs_init_impl)', () => {
  const searches = Object.entries(gridSearch).map(([name, get]) => [name, get()] as const);

  it('every grid point maps to its own index', () => {
    for (const [name, s] of searches) {
      const bad: number[] = [];
      for (let i = 0; i < s.grid.length / s.width; i++) {
        let u = 0;
        for (let k = 0; k < s.width; k++) u |= ((s.grid[s.width * i + k]! - 1) / 2) << (s.bits * k);
        if (s.map[u] !== i) bad.push(i);
      }
      expect(bad, name).toEqual([]);
    }
  });

  it("an off-grid key's list is every point of the nearest shells in (distance, index) order", () => {
    const nwant: Record<string, number> = {
      iq2xxs: 2,
      iq2xs: 2,
      iq2s: 1,
      iq1s: 3,
      iq1m: 3,
      iq3xxs: 2,
      iq3s: 3,
    };
    for (const [name, s] of searches) {
      // a spread of keys: brute force with a full sort, as ggml's qsort does
      for (let u = 1; u < s.map.length; u += 997) {
        if (s.map[u]! >= 0 || s.map[u]! <= -0x40000000) continue;
        const pos = Array.from(
          { length: s.width },
          (_, k) => 2 * ((u >> (s.bits * k)) & ((1 << s.bits) - 1)) + 1,
        );
        const d = Array.from({ length: s.grid.length / s.width }, (_, j) => {
          let d2 = 0;
          for (let k = 0; k < s.width; k++) d2 += (s.grid[s.width * j + k]! - pos[k]!) ** 2;
          return [d2, j] as const;
        }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        const shells = [...new Set(d.map((p) => p[0]))].slice(0, nwant[name]);
        const want = d.filter((p) => shells.includes(p[0])).map((p) => p[1]);
        const start = -s.map[u]! - 1;
        expect(
          Array.from(s.neighbours.subarray(start + 1, start + 1 + s.neighbours[start]!)),
          `${name} key ${u}`,
        ).toEqual(want);
      }
    }
  });
});
