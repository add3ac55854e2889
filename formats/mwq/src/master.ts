/**
 * The int8 master of Matryoshka quantization: asymmetric min-max per group, the GPTQ quantizer that
 * MatGPTQ uses (IST-DASLab/MatGPTQ src/quant_utils_matgpqt.py find_params, asymmetric branch), in float32:
 *   lo = min(min w, 0), hi = max(max w, 0)   (an all-zero group: lo = 0, hi = 255, i.e. α = 1, z = 0)
 *   α = (hi − lo)/255,  z = ⌊−lo/α⌉ ∈ [0, 255],  q = clamp(⌊w/α⌉ + z, 0, 255)
 * with ⌊·⌉ = round half to even (torch.round). Including 0 in [lo, hi] is original GPTQ's rule;
 * MatGPTQ's find_params drops it, which only matters for groups that do not straddle zero, and keeping
 * it bounds z to a byte. Dequantization of the master: ŵ = α·(q − z). Zero is exact on the master grid
 * (q = z) but not on the sliced grids unless z is a multiple of 2^(8−r).
 */
import { QbenchError } from '@qbench/core';

const f = Math.fround;
export const MASTER_BITS = 8;
export const MASTER_MAX = 255;

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface Master {
  /** One uint8 code per weight. */
  codes: Uint8Array;
  /** α per group (float32). */
  scales: Float32Array;
  /** z per group, 0..255. */
  zeros: Uint8Array;
  groupSize: number;
}

export function checkWeights(x: Float32Array, groupSize: number, what: string): number {
  if (x.length % groupSize !== 0) {
    throw new QbenchError(
      'mwq.length',
      `${what}: ${x.length} values is not a whole number of ${groupSize}-value groups`,
      {
        n: x.length,
        groupSize,
      },
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new QbenchError(
        'mwq.nonfinite',
        `${what}: element ${i} (group ${Math.floor(i / groupSize)}) is ${x[i]}`,
        { index: i },
      );
    }
  }
  return x.length / groupSize;
}

export function quantizeMaster(x: Float32Array, groupSize: number, what = 'mwq'): Master {
  const groups = checkWeights(x, groupSize, what);
  const codes = new Uint8Array(x.length);
  const scales = new Float32Array(groups);
  const zeros = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    const w = x.subarray(g * groupSize, (g + 1) * groupSize);
    let lo = 0;
    let hi = 0;
    for (const v of w) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo === hi) {
      // All zeros. GPTQ uses [−1, 1] (z = 127), but the r-bit slices of 127 are not a zero point, so the
      // sliced models would decode zeros to ±α. z = 0 keeps 0 exact at every r.
      hi = MASTER_MAX;
    }
    const alpha = f(f(hi - lo) / MASTER_MAX);
    if (!(alpha > 0) || !Number.isFinite(alpha)) {
      throw new QbenchError(
        'mwq.scale',
        `${what}: group ${g} has range ${hi - lo}, whose scale ${alpha} is unusable`,
        { group: g },
      );
    }
    const z = Math.min(MASTER_MAX, Math.max(0, roundHalfEven(f(-lo / alpha))));
    scales[g] = alpha;
    zeros[g] = z;
    for (let j = 0; j < groupSize; j++) {
      codes[g * groupSize + j] = Math.min(MASTER_MAX, Math.max(0, roundHalfEven(f(w[j]! / alpha)) + z));
    }
  }
  return { codes, scales, zeros, groupSize };
}
