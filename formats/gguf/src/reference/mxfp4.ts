/**
 * MXFP4 as ggml stores it (ggml-common.h block_mxfp4): 32 weights, one E8M0 scale byte e and 16 bytes of
 * 4-bit E2M1 codes; 4.25 bits/weight. Element j is the low nibble of qs[j], element j+16 its high nibble.
 * ggml keeps the E2M1 values doubled as int8 (kvalues_mxfp4 = 2·E2M1) and halves the scale instead
 * (ggml_e8m0_to_fp32_half(e) = 2^(e−128)), so value = kvalues_mxfp4[code] · 2^(e−128) = E2M1 · 2^(e−127).
 * It differs from OCP MX v1.0's conversion: the shared exponent comes from floorf(log2f(amax)) (a float
 * log2, which rounds up to the next integer just below a power of two), and each element takes the
 * nearest table value with ties to the lower index (toward zero; +0 over −0) instead of ties to even.
 */
import { bitsToF32 } from '@qbench/core';
import { TABLES } from '../generated/specs.ts';
import { fround, readF16, readI8 } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 32;
const BYTES = 17;
const Q8_0_BYTES = 34;
/** kvalues_mxfp4 (= kvalues_fp4), from the spec: the E2M1 values doubled, indexed by the E2M1 code. */
const VALUES = TABLES.mxfp4.kvaluesMxfp4;

/** ggml_e8m0_to_fp32_half: 2^(e−128) built from bits; e < 2 gives the float32 subnormals 2^-128, 2^-127. */
export function e8m0ToFp32Half(e: number): number {
  return bitsToF32(e < 2 ? 0x00200000 << e : (e - 1) << 23);
}

/**
 * The scale byte: (uint8_t)(floorf(log2f(amax)) − 2 + 127), or 0 for amax = 0. log2f is reproduced as the
 * double log2 rounded to float32 (so an amax just below 2^k gives k, as in ggml); the conversion to
 * uint8_t keeps the low byte of the truncated integer, which is what x86 does for the (never reached by
 * finite normal data) negative case amax < 2^-125.
 */
export function mxfp4ScaleByte(amax: number): number {
  if (!(amax > 0)) return 0;
  const exponent = fround(fround(Math.floor(fround(Math.log2(amax))) - 2) + 127);
  return Math.trunc(exponent) & 0xff;
}

/**
 * best_index_mxfp4: the first index with the smallest |value·d − x| (strict <, so ties keep the lower index).
 * Shared with ggml's NVFP4, which picks its codes with the same function.
 */
export function bestIndex(x: number, d: number): number {
  let best = 0;
  let bestErr = Math.abs(fround(fround(VALUES[0]! * d) - x));
  for (let i = 1; i < 16; i++) {
    const err = Math.abs(fround(fround(VALUES[i]! * d) - x));
    if (err < bestErr) {
      best = i;
      bestErr = err;
    }
  }
  return best;
}

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  // amax with ggml's `if (amax < |v|)` update (a NaN never replaces it).
  let amax = 0;
  for (let j = 0; j < QK; j++) {
    const v = Math.abs(x[xo + j]!);
    if (amax < v) amax = v;
  }
  const e = mxfp4ScaleByte(amax);
  const d = e8m0ToFp32Half(e);
  q[qo] = e;
  for (let j = 0; j < QK / 2; j++) {
    q[qo + 1 + j] = bestIndex(x[xo + j]!, d) | (bestIndex(x[xo + QK / 2 + j]!, d) << 4);
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = e8m0ToFp32Half(q[qo]!);
  for (let j = 0; j < QK / 2; j++) {
    const byte = q[qo + 1 + j]!;
    y[yo + j] = fround(VALUES[byte & 0xf]! * d);
    y[yo + j + QK / 2] = fround(VALUES[byte >>> 4]! * d);
  }
}

/** ggml_vec_dot_mxfp4_q8_0_generic: per block an integer dot, then sumf += (d_y·2^(e−128))·sumi in float32. */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK; b++) {
    const xo = b * BYTES;
    const yo = b * Q8_0_BYTES;
    const d = fround(readF16(y, yo) * e8m0ToFp32Half(x[xo]!));
    let sumi1 = 0;
    let sumi2 = 0;
    for (let j = 0; j < QK / 2; j++) {
      const byte = x[xo + 1 + j]!;
      sumi1 += readI8(y, yo + 2 + j) * VALUES[byte & 0xf]!;
      sumi2 += readI8(y, yo + 2 + j + QK / 2) * VALUES[byte >>> 4]!;
    }
    sumf = fround(sumf + fround(d * (sumi1 + sumi2)));
  }
  return sumf;
}

export const mxfp4: GgmlTypeImpl = {
  name: 'mxfp4',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) dequantizeBlock(q, b * BYTES, y, b * QK);
  },
  vecDot,
};
