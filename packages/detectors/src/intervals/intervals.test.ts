import { generate, listSpecs, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { boxStats, buildBoxes, buildCellBoxes, checkBoxes } from './index.ts';

const N_PER_ROW = 256;
const ROWS = 8;

/** Gaussian weights with a few outliers, like a trained layer's rows. */
function weights(seed: number): Float32Array {
  const w = generate({ kind: 'gaussian', sigma: 0.05 }, N_PER_ROW * ROWS, seed);
  for (let i = 0; i < w.length; i += 97) w[i] = w[i]! * 6;
  return w;
}

describe('boxes for every format with a reference encoder', () => {
  const ids = listSpecs().map((s) => s.id);
  for (const id of ids) {
    it(`${id}: sampled points inside the boxes encode to identical bytes`, async () => {
      const format = await loadFormat(id);
      const w = weights(7);
      const options = { nPerRow: N_PER_ROW, seed: 3 };
      const boxes = buildBoxes(format, w, options);
      const check = checkBoxes(format, w, boxes, options, { samples: 24, seed: 11 });
      expect(check.violations).toBe(0);
      // Boxes contain their anchor: the weight (cells), or for grid boxes the weight's dequantized value
      // or, where the grid does not re-encode, the weight itself.
      const deq = format.reference.decode(boxes.bytes, w.length);
      for (let i = 0; i < w.length; i++) {
        const a = boxes.anchor[i]!;
        expect(boxes.lo[i]! <= a && a <= boxes.hi[i]!).toBe(true);
        if (boxes.method === 'grid-box') expect(Object.is(a, w[i]) || Object.is(a, deq[i])).toBe(true);
        else expect(a).toBe(w[i]);
      }
      // Rounding formats keep real room: exact cells, only the block extremes frozen.
      if (boxes.method === 'cell') expect(boxStats(boxes, w).frozenFraction).toBeLessThan(0.3);
    });
  }

  it("k-quant grid boxes are wider than the sound part of the authors' error boxes and cross the grid point", async () => {
    for (const id of ['q4_k', 'q6_k']) {
      const format = await loadFormat(id);
      const w = weights(5);
      const options = { nPerRow: N_PER_ROW, seed: 2 };
      const grid = buildBoxes(format, w, options);
      expect(grid.method).toBe('grid-box');
      // Sound on many more points than the construction itself sampled (other seed, 96 points).
      expect(checkBoxes(format, w, grid, options, { samples: 96, seed: 4242 }).violations).toBe(0);
      const s = boxStats(grid, w);
      expect(s.frozenFraction, id).toBeLessThan(0.5);
      // Unlike [w, dequant(w)], a grid box extends past the grid point on both sides.
      const deq = format.reference.decode(grid.bytes, w.length);
      let both = 0;
      for (let i = 0; i < w.length; i++) if (grid.lo[i]! < deq[i]! && deq[i]! < grid.hi[i]!) both++;
      expect(both / w.length, id).toBeGreaterThan(0.4);
    }
  });

  it('q8_0 cells are the rounding cells of the frozen absmax scale, shrunk by the margin', async () => {
    const format = await loadFormat('q8_0');
    const w = weights(1);
    const boxes = buildCellBoxes(format, w, { nPerRow: N_PER_ROW, margin: 0.02 });
    // Cell width of a free weight is one step d = absmax/127, minus 2% at both ends (up to float rounding).
    let checked = 0;
    for (let b = 0; b < w.length; b += 32) {
      let amax = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let i = b; i < b + 32; i++) {
        amax = Math.max(amax, Math.abs(w[i]!));
        min = Math.min(min, w[i]!);
        max = Math.max(max, w[i]!);
      }
      const d = amax / 127;
      for (let i = b; i < b + 32; i++) {
        if (boxes.frozen[i]) continue;
        const width = boxes.hi[i]! - boxes.lo[i]!;
        // Cells are clipped by the block's own [min, max] (the scale must not move), and a weight within the margin of its cell edge keeps
        // its own value as the box edge (the box always contains the weight).
        if (w[i]! > min + 2 * d && w[i]! < max - 2 * d && boxes.lo[i]! < w[i]! && w[i]! < boxes.hi[i]!) {
          expect(width).toBeGreaterThan(0.95 * d);
          expect(width).toBeLessThan(0.97 * d);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
