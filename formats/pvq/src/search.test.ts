import { generate } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { pvqSearch } from './search.ts';

describe('op_pvq_search (float32)', () => {
  it('puts exactly K pulses with the input’s signs (−0 counts as positive)', () => {
    const x = generate({ kind: 'laplace' }, 16 * 50, 7);
    for (let v = 0; v < 50; v++) {
      const xs = x.subarray(v * 16, (v + 1) * 16);
      for (const k of [1, 5, 8, 9, 40]) {
        const { iy, yy } = pvqSearch(xs, k);
        expect(iy.reduce((s, q) => s + Math.abs(q), 0)).toBe(k);
        expect(yy).toBe(iy.reduce((s, q) => s + q * q, 0));
        for (let j = 0; j < 16; j++) {
          if (iy[j]! < 0) expect(xs[j]!).toBeLessThan(0);
          if (iy[j]! > 0) expect(xs[j]! >= 0).toBe(true);
        }
      }
    }
    expect([...pvqSearch(Float32Array.of(-0, -0, 0, 0), 3).iy]).toEqual([3, 0, 0, 0]);
  });

  it('breaks ties towards the lowest index and handles the degenerate inputs as CELT does', () => {
    // K ≤ N/2: no pre-search; equal scores keep the first maximum, so pulses spread from index 0.
    expect([...pvqSearch(new Float32Array(8).fill(0.25), 2).iy]).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    // A zero vector scores 0 everywhere, so nothing beats index 0: all pulses land there.
    expect([...pvqSearch(new Float32Array(8), 2).iy]).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    expect([...pvqSearch(new Float32Array(8).fill(1e-20), 2).iy]).toEqual([1, 1, 0, 0, 0, 0, 0, 0]);
    // K > N/2: a zero, tiny or L1 ≥ 64 vector is replaced by e0 and gets all K pulses.
    expect([...pvqSearch(new Float32Array(4), 3).iy]).toEqual([3, 0, 0, 0]);
    expect([...pvqSearch(new Float32Array(4).fill(1e-17), 3).iy]).toEqual([3, 0, 0, 0]);
    expect([...pvqSearch(Float32Array.of(1, 100, -30, 2), 3).iy]).toEqual([3, 0, 0, 0]);
  });

  it('anchor: shape-only NMSE on N(0,1), D = 32, K = 32 (least-squares gain) is 0.049 ± 2%', () => {
    const d = 32;
    const vectors = 20000;
    const x = generate({ kind: 'gaussian' }, d * vectors, 12345);
    let err = 0;
    let sig = 0;
    const u = new Float32Array(d);
    for (let v = 0; v < vectors; v++) {
      const xs = x.subarray(v * d, (v + 1) * d);
      let nrm = 0;
      for (let j = 0; j < d; j++) nrm += xs[j]! * xs[j]!;
      nrm = Math.sqrt(nrm);
      for (let j = 0; j < d; j++) u[j] = xs[j]! / nrm;
      const { iy } = pvqSearch(u, 32);
      let xy = 0;
      let yy = 0;
      for (let j = 0; j < d; j++) {
        xy += xs[j]! * iy[j]!;
        yy += iy[j]! * iy[j]!;
      }
      const g = xy / yy;
      for (let j = 0; j < d; j++) {
        err += (xs[j]! - g * iy[j]!) ** 2;
        sig += xs[j]! ** 2;
      }
    }
    const nmse = err / sig;
    expect(nmse).toBeGreaterThan(0.049 * 0.98);
    expect(nmse).toBeLessThan(0.049 * 1.02);
  });

  it('rejects K < 1 and an empty vector', () => {
    expect(() => pvqSearch(new Float32Array(4), 0)).toThrow(/K ≥ 1, got 0/);
    expect(() => pvqSearch(new Float32Array(0), 2)).toThrow(/N=0/);
  });
});
