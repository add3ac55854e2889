import { FORMAT_SPECS, generate, isQbenchError } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { IFairyCodec } from './codec.ts';
import {
  accumulateInt,
  CONVENTIONS,
  type Convention,
  matvec,
  matvecInt8,
  quantizeActivationsInt8,
} from './matvec.ts';

const rows = 24;
const cols = 96;
const w = generate({ kind: 'gaussian' }, 2 * rows * cols, 31);
const x = generate({ kind: 'gaussian' }, 2 * cols, 32);

/** Dense complex product in float64 with the decoded weights: y = Ŵ·x or Ŵ·conj(x). */
function dense(wHat: Float32Array, xs: ArrayLike<number>, conv: Convention): Float64Array {
  const y = new Float64Array(2 * rows);
  for (let j = 0; j < rows; j++) {
    for (let k = 0; k < cols; k++) {
      const a = wHat[2 * (j * cols + k)]!;
      const b = wHat[2 * (j * cols + k) + 1]!;
      const xr = xs[2 * k]!;
      const xi = conv === 'Wx' ? xs[2 * k + 1]! : -xs[2 * k + 1]!;
      y[2 * j] = y[2 * j]! + a * xr - b * xi;
      y[2 * j + 1] = y[2 * j + 1]! + a * xi + b * xr;
    }
  }
  return y;
}

function expectClose(got: Float32Array, want: Float64Array, rel: number): void {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(rel * scale);
}

describe('multiplication-free complex matvec', () => {
  for (const id of ['ifairy', 'ifairy_w2'] as const) {
    const codec = new IFairyCodec(FORMAT_SPECS[id as keyof typeof FORMAT_SPECS]);
    const stages = codec.quantize(w);
    const wHat = codec.decode(codec.encode(w), w.length);

    for (const conv of CONVENTIONS) {
      it(`${id} ${conv}: float activations match the dense product with Ŵ`, () => {
        expectClose(matvec(stages, rows, cols, x, conv), dense(wHat, x, conv), 1e-5);
      });
    }

    it(`${id}: with int8 activations A, B, C, D equal the dense int32 product of the codes exactly`, () => {
      const act = quantizeActivationsInt8(x);
      for (const s of stages) {
        const acc = accumulateInt(s.codes, rows, cols, act.xr, act.xi);
        for (let j = 0; j < rows; j++) {
          // Dense: Re(q)·xr, Re(q)·xi, Im(q)·xi, Im(q)·xr with q = i^k as Gaussian integers.
          let pa = 0;
          let pb = 0;
          let pc = 0;
          let pd = 0;
          for (let k = 0; k < cols; k++) {
            const code = s.codes[j * cols + k]!;
            const qr = [1, 0, -1, 0][code]!;
            const qi = [0, 1, 0, -1][code]!;
            pa = Math.imul(qr, act.xr[k]!) + pa;
            pb = Math.imul(qr, act.xi[k]!) + pb;
            pc = Math.imul(qi, act.xi[k]!) + pc;
            pd = Math.imul(qi, act.xr[k]!) + pd;
          }
          expect([acc.a[j], acc.b[j], acc.c[j], acc.d[j]]).toEqual([pa, pb, pc, pd]);
        }
      }
      // After the scale multiplies: the dense product with Ŵ and the dequantized int8 activations.
      const xDeq = new Float64Array(2 * cols);
      for (let k = 0; k < cols; k++) {
        xDeq[2 * k] = act.xr[k]! / act.scaleRe;
        xDeq[2 * k + 1] = act.xi[k]! / act.scaleIm;
      }
      for (const conv of CONVENTIONS) {
        expectClose(matvecInt8(stages, rows, cols, act, conv).y, dense(wHat, xDeq, conv), 1e-6);
      }
    });
  }

  it('the two conventions differ exactly by conjugating x', () => {
    const codec = new IFairyCodec(FORMAT_SPECS['ifairy' as keyof typeof FORMAT_SPECS]);
    const stages = codec.quantize(w);
    const xc = x.slice();
    for (let k = 0; k < cols; k++) xc[2 * k + 1] = -xc[2 * k + 1]!;
    expect([...matvec(stages, rows, cols, x, 'WconjX')]).toEqual([...matvec(stages, rows, cols, xc, 'Wx')]);
  });

  it('int8 activations round half to even and clamp', () => {
    const act = quantizeActivationsInt8(Float32Array.of(127, 0, 0.5, 0, 1.5, 0, -2.5, 0, -127, 1));
    expect([...act.xr]).toEqual([127, 0, 2, -2, -127]);
    expect([...act.xi]).toEqual([0, 0, 0, 0, 127]);
  });

  it('rejects mismatched shapes', () => {
    const codec = new IFairyCodec(FORMAT_SPECS['ifairy' as keyof typeof FORMAT_SPECS]);
    const stages = codec.quantize(w);
    try {
      matvec(stages, rows, cols + 1, generate({ kind: 'gaussian' }, 2 * cols + 2, 1), 'Wx');
      throw new Error('expected a QbenchError');
    } catch (e) {
      expect(isQbenchError(e)).toBe(true);
      expect((e as Error).message).toMatch(/2304 codes is not a 24×97 matrix/);
    }
  });
});
