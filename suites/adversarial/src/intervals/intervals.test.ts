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
      // Boxes contain the weight and are not all frozen: an attacker has room to move.
      for (let i = 0; i < w.length; i++) {
        expect(boxes.lo[i]! <= w[i]! && w[i]! <= boxes.hi[i]!).toBe(true);
      }
      // Rounding formats keep real room: exact cells, only the block extremes frozen.
      if (boxes.method === 'cell') expect(boxStats(boxes, w).frozenFraction).toBeLessThan(0.3);
    });
  }

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
