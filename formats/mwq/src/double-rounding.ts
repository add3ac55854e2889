/**
 * Double Rounding (Huang et al., "Nearly Lossless Adaptive Bit Switching", arXiv 2502.01199), the
 * symmetric variant with one shared scale: store only the highest precision h, switch to l bits by a
 * second rounding of the integer code:
 *   s_h = max|w| / (2^(h−1) − 1) per group,  q_h = clamp(⌊w/s_h⌉, −2^(h−1), 2^(h−1) − 1)
 *   q_l = clamp(⌊q_h / 2^(h−l)⌉, −2^(l−1), 2^(l−1) − 1),   ŵ_l = q_l · s_h · 2^(h−l)
 * Their code is not public; the scale rule (absmax) and the rounding (half away from zero for both
 * roundings, so that the grid is symmetric) are qbench's reading of the paper, stated here.
 */
import { QbenchError } from '@qbench/core';

const f = Math.fround;

function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

function checkWidths(h: number, l: number): void {
  if (!Number.isInteger(h) || h < 2 || h > 16 || !Number.isInteger(l) || l < 2 || l > h) {
    throw new QbenchError('mwq.bits', `double rounding needs integers 2 ≤ l ≤ h ≤ 16, got h=${h}, l=${l}`, {
      h,
      l,
    });
  }
}

export interface DoubleRounded {
  /** Signed h-bit codes. */
  codes: Int16Array;
  /** s_h per group (float32). */
  scales: Float32Array;
  h: number;
  groupSize: number;
}

export function quantizeHigh(x: Float32Array, h: number, groupSize: number): DoubleRounded {
  checkWidths(h, h);
  if (x.length % groupSize !== 0) {
    throw new QbenchError(
      'mwq.length',
      `${x.length} values is not a whole number of ${groupSize}-value groups`,
      { n: x.length },
    );
  }
  const qmax = 2 ** (h - 1) - 1;
  const codes = new Int16Array(x.length);
  const scales = new Float32Array(x.length / groupSize);
  for (let g = 0; g < scales.length; g++) {
    let amax = 0;
    for (let j = 0; j < groupSize; j++) {
      const v = x[g * groupSize + j]!;
      if (!Number.isFinite(v))
        throw new QbenchError('mwq.nonfinite', `element ${g * groupSize + j} is ${v}`, {
          index: g * groupSize + j,
        });
      amax = Math.max(amax, Math.abs(v));
    }
    const s = amax === 0 ? 1 : f(amax / qmax);
    scales[g] = s;
    for (let j = 0; j < groupSize; j++) {
      const i = g * groupSize + j;
      codes[i] = Math.max(-qmax - 1, Math.min(qmax, roundHalfAway(f(x[i]! / s))));
    }
  }
  return { codes, scales, h, groupSize };
}

/** q_l from q_h (always from the stored h-bit codes). */
export function switchDown(q: number, h: number, l: number): number {
  checkWidths(h, l);
  const lo = -(2 ** (l - 1));
  const hi = 2 ** (l - 1) - 1;
  return Math.max(lo, Math.min(hi, roundHalfAway(q / 2 ** (h - l)))); // exact: a power-of-two division
}

export function dequantizeLow(d: DoubleRounded, l: number): Float32Array {
  checkWidths(d.h, l);
  const out = new Float32Array(d.codes.length);
  const step = 2 ** (d.h - l);
  for (let i = 0; i < out.length; i++) {
    out[i] = switchDown(d.codes[i]!, d.h, l) * f(d.scales[Math.floor(i / d.groupSize)]! * step);
  }
  return out;
}
