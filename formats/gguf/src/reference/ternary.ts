/**
 * Pieces shared by the ternary types TQ1_0 and TQ2_0 (ggml-quants.c quantize_row_tq{1,2}_0_ref): both store
 * d = max|x| over the 256-weight block as fp16 and map each weight to a trit lroundf(x·(1/d)) ∈ {−1, 0, 1}.
 */
import { cInverse, x86LroundfPlus } from './c-semantics.ts';
import { fround } from './float32.ts';

/** max|x| over n values as ggml's MAX(amax, fabsf(v)) = amax > |v| ? amax : |v|, in index order. */
export function absMax(x: Float32Array, xo: number, n: number): number {
  let amax = 0;
  for (let j = 0; j < n; j++) {
    const v = Math.abs(x[xo + j]!);
    amax = amax > v ? amax : v;
  }
  return amax;
}

/** The reciprocal ggml multiplies by: 1/d in float32, or 0 for an all-zero block. */
export function inverseScale(d: number): number {
  return cInverse(d);
}

/**
 * Trit code 0, 1, 2 for −1, 0, +1: `int xi = lroundf(x·id) + 1` (half away from zero). With id = +inf (a
 * block of float32 subnormals) x·id is ±inf or NaN, lroundf gives LONG_MIN and xi is 1 on x86-64.
 */
export function tritCode(x: number, id: number): number {
  return x86LroundfPlus(fround(x * id), 1);
}
