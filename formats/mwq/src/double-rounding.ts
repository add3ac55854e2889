/**
 * Double Rounding (Huang et al., "Nearly Lossless Adaptive Bit Switching", arXiv 2502.01199): store only
 * the highest-precision integer model (h bits) and switch to l < h bits by a second rounding of the stored
 * integers with the shared scale, so no full-precision copy is kept. qbench's reading (their repository
 * holds a README only; every choice below is stated in the dround specs' provenance notes):
 *   s   = fl(amax_g / (2^(h−1) − 1)) per group of 128   (absmax: the post-training init; the paper learns s)
 *   q_h = clamp(⌊fl(w/s)⌉, −2^(h−1), 2^(h−1) − 1)       first rounding: half to even (torch.round)
 *   q_l = clamp(⌊(q_h + 2^(k−1)) / 2^k⌋, −2^(l−1), 2^(l−1) − 1), k = h − l
 *                                                       second rounding: half up, an arithmetic shift
 *   ŵ_l = fl(s · q_l·2^k)                               the l-bit grid is the stored scale times 2^k
 * Stored as offset binary u = q + 2^(l−1) (0 … 2^l − 1). In offset binary the second rounding IS
 * MatGPTQ's round-half-up slice of u_h (slice.ts sliceCode): Double Rounding and Matryoshka's round slice
 * differ only in the master (symmetric absmax with the fixed zero 2^(h−1), vs asymmetric min-max with a
 * stored zero point), which the tests check exhaustively.
 */
import { QbenchError } from '@qbench/core';
import { checkWeights, roundHalfEven } from './master.ts';

const f = Math.fround;

export function checkWidths(h: number, l: number): void {
  if (!Number.isInteger(h) || h < 2 || h > 8 || !Number.isInteger(l) || l < 1 || l > h) {
    throw new QbenchError('mwq.bits', `double rounding needs integers 1 ≤ l ≤ h ≤ 8, got h=${h}, l=${l}`, {
      h,
      l,
    });
  }
}

export interface DoubleRounded {
  /** h-bit codes in offset binary, u = q_h + 2^(h−1). */
  codes: Uint8Array;
  /** s per group (float32). */
  scales: Float32Array;
  h: number;
  groupSize: number;
}

/** The stored master: symmetric absmax scale per group, codes rounded half to even. */
export function quantizeHigh(x: Float32Array, h: number, groupSize: number, what = 'dround'): DoubleRounded {
  checkWidths(h, h);
  const groups = checkWeights(x, groupSize, what);
  const qmax = 2 ** (h - 1) - 1;
  const codes = new Uint8Array(x.length);
  const scales = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    let amax = 0;
    for (let j = 0; j < groupSize; j++) amax = Math.max(amax, Math.abs(x[g * groupSize + j]!));
    // all-zero group: s = 1, every code is the zero point, which every l-bit switch keeps at zero
    const s = amax === 0 ? 1 : f(amax / qmax);
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new QbenchError(
        'mwq.scale',
        `${what}: group ${g} has absmax ${amax}, whose scale ${s} is unusable`,
        {
          group: g,
        },
      );
    }
    scales[g] = s;
    for (let j = 0; j < groupSize; j++) {
      const i = g * groupSize + j;
      const q = Math.max(-qmax - 1, Math.min(qmax, roundHalfEven(f(x[i]! / s))));
      codes[i] = q + qmax + 1;
    }
  }
  return { codes, scales, h, groupSize };
}

/** The second rounding on signed codes: q_l from q_h (always from the stored h-bit codes). */
export function switchDown(q: number, h: number, l: number): number {
  checkWidths(h, l);
  if (!Number.isInteger(q) || q < -(2 ** (h - 1)) || q >= 2 ** (h - 1)) {
    throw new QbenchError('mwq.code', `${q} is not a signed ${h}-bit code`, { q, h });
  }
  const k = h - l;
  const r = k === 0 ? q : (q + 2 ** (k - 1)) >> k; // >> on a signed int is floor division by 2^k
  return Math.max(-(2 ** (l - 1)), Math.min(2 ** (l - 1) - 1, r));
}

/** l-bit offset-binary codes u_l from the master's offset-binary u_h. */
export function switchCodes(codes: Uint8Array, h: number, l: number): Uint8Array {
  checkWidths(h, l);
  const table = new Uint8Array(2 ** h);
  for (let u = 0; u < table.length; u++) table[u] = switchDown(u - 2 ** (h - 1), h, l) + 2 ** (l - 1);
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i]!]!;
  return out;
}

/** ŵ_l = s·(u_l·2^(h−l) − 2^(h−1)): the exact integer q_l·2^k times the group's float32 scale, rounded once. */
export function dequantizeSwitched(
  codes: Uint8Array,
  h: number,
  l: number,
  scales: Float32Array,
  groupSize: number,
): Float32Array {
  checkWidths(h, l);
  const out = new Float32Array(codes.length);
  const k = h - l;
  const zero = 2 ** (h - 1);
  for (let i = 0; i < codes.length; i++) {
    out[i] = scales[Math.floor(i / groupSize)]! * ((codes[i]! << k) - zero);
  }
  return out;
}

export function dequantizeLow(d: DoubleRounded, l: number): Float32Array {
  return dequantizeSwitched(switchCodes(d.codes, d.h, l), d.h, l, d.scales, d.groupSize);
}
