/**
 * The exact shortcuts in makeQkxQuants (incremental codes gathered per window of trials, the lazily exact
 * best error, loss proofs in qkx-bounds.ts, the fallback for iscale·(x − min) outside nearest_int's exact
 * range) must never change a result: compare it with a line-by-line float32 port of ggml's make_qkx2_quants / make_qkx3_quants on many
 * seeded blocks, including the awkward ones (near-constant, one outlier, all positive, mixed scales, zero
 * and huge weights, values near float32 limits).
 */
import { generate } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { nearestInt } from './float32.ts';
import { makeQkxQuants } from './make-qkx-quants.ts';

const fround = Math.fround;

/** ggml-quants.c make_qkx3_quants (= make_qkx2_quants when weights are given), transcribed without shortcuts. */
function plainQkx(
  n: number,
  nmax: number,
  x: Float32Array,
  weights: Float32Array | undefined,
  L: Uint8Array,
  rmin: number,
  rdelta: number,
  nstep: number,
  useMad: boolean,
): { scale: number; theMin: number } {
  const wOf = (i: number) => (weights ? weights[i]! : fround(x[i]! * x[i]!));
  let min = x[0]!;
  let max = x[0]!;
  let sumW = wOf(0);
  let sumX = fround(sumW * x[0]!);
  for (let i = 1; i < n; i++) {
    if (x[i]! < min) min = x[i]!;
    if (x[i]! > max) max = x[i]!;
    const w = wOf(i);
    sumW = fround(sumW + w);
    sumX = fround(sumX + fround(w * x[i]!));
  }
  if (min > 0) min = 0;
  if (max === min) {
    L.fill(0);
    return { scale: 0, theMin: -min };
  }
  let iscale = fround(nmax / fround(max - min));
  let scale = fround(1 / iscale);
  let best = 0;
  for (let i = 0; i < n; i++) {
    const l = nearestInt(fround(iscale * fround(x[i]! - min)));
    L[i] = Math.max(0, Math.min(nmax, l));
    let diff = fround(fround(fround(scale * L[i]!) + min) - x[i]!);
    diff = useMad ? Math.abs(diff) : fround(diff * diff);
    best = fround(best + fround(wOf(i) * diff));
  }
  const Laux = new Uint8Array(n);
  for (let is = 0; is <= nstep; is++) {
    iscale = fround(fround(fround(rmin + fround(rdelta * is)) + nmax) / fround(max - min));
    let sumL = 0;
    let sumL2 = 0;
    let sumXL = 0;
    for (let i = 0; i < n; i++) {
      const l = Math.max(0, Math.min(nmax, nearestInt(fround(iscale * fround(x[i]! - min)))));
      Laux[i] = l;
      const w = wOf(i);
      sumL = fround(sumL + fround(w * l));
      sumL2 = fround(sumL2 + fround(fround(w * l) * l));
      sumXL = fround(sumXL + fround(fround(w * l) * x[i]!));
    }
    const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
    if (D > 0) {
      let thisScale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let thisMin = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (thisMin > 0) {
        thisMin = 0;
        thisScale = fround(sumXL / sumL2);
      }
      let mad = 0;
      for (let i = 0; i < n; i++) {
        let diff = fround(fround(fround(thisScale * Laux[i]!) + thisMin) - x[i]!);
        diff = useMad ? Math.abs(diff) : fround(diff * diff);
        mad = fround(mad + fround(wOf(i) * diff));
      }
      if (mad < best) {
        L.set(Laux);
        best = mad;
        scale = thisScale;
        min = thisMin;
      }
    }
  }
  return { scale, theMin: -min };
}

/** Block shapes that stress the search: each maps a N(0,1) value (at index i) to the block's value. */
const SHAPES: Record<string, (v: number, i: number, seed: number) => number> = {
  gaussian: (v) => v,
  scaled: (v, _i, seed) => v * 10 ** ((seed % 13) - 6),
  outlier: (v, i, seed) => (i === seed % 16 ? 40 * (seed % 2 ? 1 : -1) : v),
  positive: (v) => Math.abs(v) + 0.5,
  nearConstant: (v) => 1 + v * 1e-6,
  twoLevels: (v) => (v > 0 ? 0.25 : -0.75),
  ramp: (_v, i) => (i % 7) * 0.1 - 0.2,
  mostlyZero: (v, i, seed) => (i % 11 === seed % 11 ? v : 0),
  huge: (v) => v * 3e7,
  tiny: (v) => v * 1e-30,
  // One element far below the rest; with the imatrix weighting its weight is 0 (i % 9 === 0), so a fit
  // can lift min far above it and iscale·(x − min) leaves nearest_int's exact range for that element.
  farOutlier: (v, i) => (i === 9 ? -1e7 : 1 + 0.01 * v),
};

type Weighting = (x: Float32Array, seed: number) => Float32Array | undefined;

const WEIGHTINGS: Record<string, Weighting> = {
  // q4_K / q5_K without imatrix: av_x + |x|.
  avx: (x) => {
    let s = 0;
    for (const v of x) s = fround(s + fround(v * v));
    const av = fround(Math.sqrt(fround(s / x.length)));
    return x.map((v) => fround(av + Math.abs(v)));
  },
  // imatrix-like: log-normal, some exactly zero, some large.
  imatrix: (x, seed) =>
    generate({ kind: 'gaussian' }, x.length, seed + 99).map((v, i) => (i % 9 === 0 ? 0 : Math.exp(2 * v))),
  // make_qkx3 default: x².
  none: () => undefined,
};

describe('makeQkxQuants equals a plain port of ggml on every kind of block', () => {
  const configs = [
    { n: 32, nmax: 15, rmin: -1, rdelta: fround(0.1), nstep: 20, useMad: false },
    { n: 32, nmax: 31, rmin: fround(-0.5), rdelta: fround(0.1), nstep: 15, useMad: false },
    { n: 32, nmax: 15, rmin: fround(-0.9), rdelta: fround(0.05), nstep: 36, useMad: false },
    { n: 32, nmax: 31, rmin: fround(-0.9), rdelta: fround(0.05), nstep: 36, useMad: false },
    { n: 16, nmax: 3, rmin: fround(-0.9), rdelta: fround(0.05), nstep: 36, useMad: false },
    { n: 16, nmax: 3, rmin: fround(-0.5), rdelta: fround(0.1), nstep: 15, useMad: true },
  ];
  for (const c of configs) {
    it(`n ${c.n}, nmax ${c.nmax}, rmin ${c.rmin.toFixed(2)}, nstep ${c.nstep}, ${c.useMad ? 'abs' : 'squared'} error`, () => {
      const L = new Uint8Array(c.n);
      const Lp = new Uint8Array(c.n);
      const Laux = new Uint8Array(c.n);
      const mins = new Float32Array(1);
      let blocks = 0;
      for (const [shapeName, shape] of Object.entries(SHAPES)) {
        for (const [weightName, weighting] of Object.entries(WEIGHTINGS)) {
          for (let seed = 0; seed < 40; seed++) {
            const x = generate({ kind: 'gaussian' }, c.n, 1000 * seed + c.n + c.nmax).map((v, i) =>
              shape(v, i, seed),
            );
            const w = weighting(x, seed);
            const scale = makeQkxQuants(
              c.n,
              c.nmax,
              x,
              0,
              w,
              L,
              0,
              mins,
              0,
              Laux,
              c.rmin,
              c.rdelta,
              c.nstep,
              c.useMad,
            );
            const ref = plainQkx(c.n, c.nmax, x, w, Lp, c.rmin, c.rdelta, c.nstep, c.useMad);
            const where = `${shapeName}/${weightName}/seed ${seed}`;
            expect(Object.is(scale, ref.scale), `${where}: scale ${scale} vs ${ref.scale}`).toBe(true);
            expect(Object.is(mins[0], ref.theMin), `${where}: min ${mins[0]} vs ${ref.theMin}`).toBe(true);
            expect(Array.from(L), where).toEqual(Array.from(Lp));
            blocks++;
          }
        }
      }
      expect(blocks).toBe(Object.keys(SHAPES).length * Object.keys(WEIGHTINGS).length * 40);
    });
  }
});
