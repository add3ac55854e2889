/**
 * Multiplication-free complex matvec with PhaseQuant codes. Per output row j, four accumulators take
 * only adds, subtracts and the real/imaginary swap of the ±i codes:
 *   A = Σ_{q=±1} ±xr    B = Σ_{q=±1} ±xi    C = Σ_{q=±i} ±xi    D = Σ_{q=±i} ±xr
 * and two scale multiplies finish the row:
 *   'WconjX'  y = Ŵ·conj(x)  (what the Fairy±i ComplexLinear computes): Re = s_re·A + s_im·C, Im = s_im·D − s_re·B
 *   'Wx'      y = Ŵ·x        (the textbook product):                    Re = s_re·A − s_im·C, Im = s_re·B + s_im·D
 * With int8 activations the accumulators are exact int32 sums (what a kernel must reproduce bit for bit);
 * with float activations they are float32 sums in column order.
 */
import { QbenchError } from '@qbench/core';
import type { EncodedStage } from './codec.ts';
import type { PhaseScales } from './phase.ts';

export const CONVENTIONS = ['Wx', 'WconjX'] as const;
export type Convention = (typeof CONVENTIONS)[number];

export interface Accumulators<T extends Int32Array | Float32Array> {
  a: T;
  b: T;
  c: T;
  d: T;
}

function checkShape(
  codes: Uint8Array,
  rows: number,
  cols: number,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
): void {
  if (
    !Number.isInteger(rows) ||
    !Number.isInteger(cols) ||
    rows < 0 ||
    cols < 0 ||
    codes.length !== rows * cols
  ) {
    throw new QbenchError('ifairy.shape', `${codes.length} codes is not a ${rows}×${cols} matrix`, {
      expected: rows * cols,
      got: codes.length,
    });
  }
  if (xr.length !== cols || xi.length !== cols) {
    throw new QbenchError(
      'ifairy.shape',
      `activations have ${xr.length} real and ${xi.length} imaginary values, expected ${cols}`,
      {
        expected: cols,
      },
    );
  }
}

function accumulate<T extends Int32Array | Float32Array>(
  codes: Uint8Array,
  rows: number,
  cols: number,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  make: (n: number) => T,
): Accumulators<T> {
  checkShape(codes, rows, cols, xr, xi);
  const acc = { a: make(rows), b: make(rows), c: make(rows), d: make(rows) };
  for (let j = 0; j < rows; j++) {
    // Typed-array stores round to int32 / float32 after every add, as a kernel's registers would.
    const row = j * cols;
    for (let k = 0; k < cols; k++) {
      switch (codes[row + k]! & 3) {
        case 0:
          acc.a[j] = acc.a[j]! + xr[k]!;
          acc.b[j] = acc.b[j]! + xi[k]!;
          break;
        case 1:
          acc.c[j] = acc.c[j]! + xi[k]!;
          acc.d[j] = acc.d[j]! + xr[k]!;
          break;
        case 2:
          acc.a[j] = acc.a[j]! - xr[k]!;
          acc.b[j] = acc.b[j]! - xi[k]!;
          break;
        default:
          acc.c[j] = acc.c[j]! - xi[k]!;
          acc.d[j] = acc.d[j]! - xr[k]!;
      }
    }
  }
  return acc;
}

/** Exact int32 accumulators for integer (e.g. int8) activations. */
export function accumulateInt(
  codes: Uint8Array,
  rows: number,
  cols: number,
  xr: Int8Array | Int32Array,
  xi: Int8Array | Int32Array,
) {
  return accumulate(codes, rows, cols, xr, xi, (n) => new Int32Array(n));
}

/** float32 accumulators for float activations. */
export function accumulateFloat(
  codes: Uint8Array,
  rows: number,
  cols: number,
  xr: Float32Array,
  xi: Float32Array,
) {
  return accumulate(codes, rows, cols, xr, xi, (n) => new Float32Array(n));
}

/**
 * Finish the rows: y (interleaved re, im) += the scaled accumulators. `dr`/`di` dequantize integer
 * activations (1/scale of the real and imaginary parts; 1 for float activations).
 */
export function applyScales(
  acc: Accumulators<Int32Array | Float32Array>,
  s: PhaseScales,
  convention: Convention,
  y: Float32Array,
  dr = 1,
  di = 1,
): Float32Array {
  const f = Math.fround;
  const rows = acc.a.length;
  if (y.length !== 2 * rows)
    throw new QbenchError('ifairy.shape', `output has ${y.length} values, expected ${2 * rows}`);
  const sr = f(s.sRe * dr); // the real-part activations' scale folds into the per-tensor weight scale
  const si = f(s.sRe * di);
  const ir = f(s.sIm * dr);
  const ii = f(s.sIm * di);
  for (let j = 0; j < rows; j++) {
    const a = f(acc.a[j]! * sr);
    const b = f(acc.b[j]! * si);
    const c = f(acc.c[j]! * ii);
    const d = f(acc.d[j]! * ir);
    const re = convention === 'WconjX' ? f(a + c) : f(a - c);
    const im = convention === 'WconjX' ? f(d - b) : f(b + d);
    y[2 * j] = y[2 * j]! + re;
    y[2 * j + 1] = y[2 * j + 1]! + im;
  }
  return y;
}

function split(x: Float32Array, cols: number): [Float32Array, Float32Array] {
  if (x.length !== 2 * cols) {
    throw new QbenchError(
      'ifairy.shape',
      `activations have ${x.length} values, expected ${2 * cols} (interleaved re, im)`,
    );
  }
  const xr = new Float32Array(cols);
  const xi = new Float32Array(cols);
  for (let k = 0; k < cols; k++) {
    xr[k] = x[2 * k]!;
    xi[k] = x[2 * k + 1]!;
  }
  return [xr, xi];
}

/** y = Ŵ·x or Ŵ·conj(x) for float activations (interleaved), summed over the stages. */
export function matvec(
  stages: readonly EncodedStage[],
  rows: number,
  cols: number,
  x: Float32Array,
  convention: Convention,
): Float32Array {
  const [xr, xi] = split(x, cols);
  const y = new Float32Array(2 * rows);
  for (const s of stages) applyScales(accumulateFloat(s.codes, rows, cols, xr, xi), s, convention, y);
  return y;
}

export interface Int8Activations {
  xr: Int8Array;
  xi: Int8Array;
  /** Real value = integer / scale. */
  scaleRe: number;
  scaleIm: number;
}

/**
 * Fairy±i's activation quantizer for one token: absmax int8 per part, scale = 127/max(max|x|, 1e-5),
 * round half to even (torch.round), clamp to [−128, 127].
 */
export function quantizeActivationsInt8(x: Float32Array): Int8Activations {
  const cols = x.length >> 1;
  const [re, im] = split(x, cols);
  const one = (v: Float32Array): [Int8Array, number] => {
    let m = 0;
    for (const e of v) m = Math.max(m, Math.abs(e));
    const scale = Math.fround(127 / Math.max(m, Math.fround(1e-5)));
    const q = new Int8Array(v.length);
    for (let k = 0; k < v.length; k++) {
      const t = Math.fround(v[k]! * scale);
      let r = Math.round(t);
      if (r - t === 0.5 && r % 2 !== 0) r -= 1; // ties to even
      q[k] = Math.max(-128, Math.min(127, r));
    }
    return [q, scale];
  };
  const [xr, scaleRe] = one(re);
  const [xi, scaleIm] = one(im);
  return { xr, xi, scaleRe, scaleIm };
}

/** Matvec on int8 activations: the exact int32 accumulators of every stage, and y in real units. */
export function matvecInt8(
  stages: readonly EncodedStage[],
  rows: number,
  cols: number,
  act: Int8Activations,
  convention: Convention,
) {
  const y = new Float32Array(2 * rows);
  const dr = Math.fround(1 / act.scaleRe);
  const di = Math.fround(1 / act.scaleIm);
  const accumulators = stages.map((s) => {
    const acc = accumulateInt(s.codes, rows, cols, act.xr, act.xi);
    applyScales(acc, s, convention, y, dr, di);
    return acc;
  });
  return { accumulators, y };
}
