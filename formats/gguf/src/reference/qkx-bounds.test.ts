/**
 * The shortcuts in qkx-bounds.ts decide comparisons without ggml's float32 arithmetic, so each must hold at
 * its tightest point: trialTerms' bracket must contain the float32 running sum of its terms, and
 * provablyLoses must never reject a trial whose float32 error beats `best` — checked with `best` set just
 * above the trial's own float32 error, where a win is certain.
 */
import { generate } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { nearestInt } from './float32.ts';
import {
  CODE_SUMS,
  prepareBounds,
  provablyLoses,
  setBest,
  TERM_SUM,
  termsF32,
  trialTerms,
} from './qkx-bounds.ts';

const fround = Math.fround;
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The next float32 above a non-negative float32 v. */
function nextUp(v: number): number {
  f32[0] = v;
  i32[0] = i32[0]! + 1;
  return f32[0]!;
}

describe('trialTerms brackets the float32 running sum of its terms', () => {
  it('for weights and residuals over many magnitudes, squared and absolute error', () => {
    const n = 32;
    const codes = new Uint8Array(n);
    let checked = 0;
    for (let seed = 0; seed < 400; seed++) {
      const g = generate({ kind: 'gaussian' }, 3 * n, seed);
      const spread = (seed % 5) * 8; // weights over up to 2^±40
      const xs = new Float32Array(n).map((_, i) => g[i]! * 10 ** ((seed % 7) - 3));
      const w = new Float32Array(n).map((_, i) => fround(2 ** (spread * g[n + i]!) * (i % 13 === 0 ? 0 : 1)));
      for (let i = 0; i < n; i++) codes[i] = Math.abs(Math.trunc(g[2 * n + i]! * 5)) % 16;
      const scale = fround(0.1 * (1 + (seed % 3)));
      const min = fround(-0.75 * (seed % 4));
      for (const useMad of [false, true]) {
        trialTerms(n, 15, scale, min, codes, 0, xs, w, useMad);
        const sum = TERM_SUM[0]!;
        const margin = TERM_SUM[1]!;
        const e32 = termsF32(n);
        expect(e32 >= sum - margin && e32 <= sum + margin, `seed ${seed}: ${e32} vs ${sum} ± ${margin}`).toBe(
          true,
        );
        checked++;
      }
    }
    expect(checked).toBe(800);
  });
});

describe('provablyLoses never rejects a trial that wins', () => {
  it('with best just above the trial’s own float32 error, for many blocks and code vectors', () => {
    const n = 32;
    const nmax = 15;
    const codes = new Uint8Array(n);
    let tight = 0;
    let proved = 0;
    for (let seed = 0; seed < 1500; seed++) {
      const g = generate({ kind: 'gaussian' }, 2 * n, 77 + seed);
      const kind = seed % 5;
      const x = new Float32Array(n).map((_, i) =>
        kind === 3
          ? 1 + g[i]! * 1e-4
          : kind === 4
            ? g[i]! > 0
              ? 0.25
              : -0.75
            : g[i]! * 10 ** ((seed % 9) - 4),
      );
      // Weights: av_x + |x| (the q4_K/q5_K reference), imatrix-like with zeros, or x².
      let s2 = 0;
      for (const v of x) s2 = fround(s2 + fround(v * v));
      const av = fround(Math.sqrt(fround(s2 / n)));
      const w = new Float32Array(n).map((_, i) =>
        seed % 3 === 0
          ? fround(av + Math.abs(x[i]!))
          : seed % 3 === 1
            ? fround(i % 9 === 0 ? 0 : Math.exp(2 * g[n + i]!))
            : fround(x[i]! * x[i]!),
      );
      // Codes: ggml's rounding at some iscale around the block's range, sometimes perturbed.
      let lo = Math.min(0, ...x);
      const hi = Math.max(...x);
      if (hi === lo) continue;
      const iscale = fround(fround(nmax - 1.5 + (seed % 7) * 0.5) / fround(hi - lo));
      for (let i = 0; i < n; i++) {
        let l = Math.max(0, Math.min(nmax, nearestInt(fround(iscale * fround(x[i]! - lo)))));
        if (seed % 4 === 1 && i % 5 === 0) l = Math.min(nmax, l + 1);
        codes[i] = l;
      }
      lo = 0;
      // ggml's float32 fit and error for these codes.
      let sumW = 0;
      let sumX = 0;
      let sumL = 0;
      let sumL2 = 0;
      let sumXL = 0;
      for (let i = 0; i < n; i++) {
        const l = codes[i]!;
        const wl = fround(w[i]! * l);
        sumW = i === 0 ? w[0]! : fround(sumW + w[i]!);
        sumX = i === 0 ? fround(w[0]! * x[0]!) : fround(sumX + fround(w[i]! * x[i]!));
        sumL = fround(sumL + wl);
        sumL2 = fround(sumL2 + fround(wl * l));
        sumXL = fround(sumXL + fround(wl * x[i]!));
      }
      const D = fround(fround(sumW * sumL2) - fround(sumL * sumL));
      if (!(D > 0)) continue;
      let scale = fround(fround(fround(sumW * sumXL) - fround(sumX * sumL)) / D);
      let min = fround(fround(fround(sumL2 * sumX) - fround(sumL * sumXL)) / D);
      if (min > 0) {
        min = 0;
        scale = fround(sumXL / sumL2);
      }
      trialTerms(n, nmax, scale, min, codes, lo, x, w, false);
      const e32 = termsF32(n);
      // The exact-real sums the caller keeps (double, element order; the terms are exact).
      let dW = 0;
      let dX = 0;
      let dXX = 0;
      let a1 = 0;
      let a2 = 0;
      let xl = 0;
      for (let i = 0; i < n; i++) {
        const wi = w[i]!;
        const xi = x[i]!;
        const l = codes[i]!;
        dW += wi;
        dX += wi * xi;
        dXX += wi * xi * xi;
        a1 += wi * l;
        a2 += wi * l * l;
        xl += wi * l * xi;
      }
      prepareBounds(n, dW, dX, dXX);
      CODE_SUMS[0] = a1;
      CODE_SUMS[1] = a2;
      CODE_SUMS[2] = xl;
      // best just above e32: the trial wins (e32 < best), so no proof may exist.
      setBest(n, nextUp(e32));
      expect(provablyLoses(n, nmax, 0), `seed ${seed}: e32 ${e32}`).toBe(false);
      tight++;
      // Far below e32 a proof should usually exist: the test is not vacuous.
      setBest(n, e32 * 0.5);
      if (provablyLoses(n, nmax, 0)) proved++;
    }
    expect(tight).toBeGreaterThan(1000);
    expect(proved).toBeGreaterThan(tight / 2);
  });
});
