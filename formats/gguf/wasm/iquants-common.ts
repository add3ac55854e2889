/**
 * Shared pieces of the i-quant kernels (iq2_xxs, iq2_xs, iq2_s, iq3_xxs, iq3_s, iq1_s, iq1_m): the grid
 * tables are the spec's generated constants (uint64 grid entries stored as two little-endian u32 words, so
 * byte j of entry i is at byte 8i + j; iq3 grids one u32 per entry of 4 bytes), and a group of 16 weights
 * becomes one v128 of signed int8 codes: grid magnitude, negated in the lanes whose sign bit is set
 * (ggml's `grid[j] · (signs & kmask_iq2xs[j] ? −1 : 1)`). Negating the code before the float product is
 * exact: round-to-nearest is symmetric, so fl(db·(−g)) = −fl(db·g), which is what the reference computes.
 */
import { bitsToBytes16 } from '../../../packages/runtime-wasm/assembly/simd';
import { IQ2_XXS_KSIGNS_IQ2XS } from './generated/constants';

/** Two 8-byte grid entries (lanes 0..7 and 8..15) with their 8-bit sign masks s0, s1 applied. */
@inline export function signedCodes(lo: u64, hi: u64, s0: u32, s1: u32): v128 {
  const g = i64x2.replace_lane(i64x2.splat(<i64>lo), 1, <i64>hi);
  const neg = bitsToBytes16(s0 | (s1 << 8));
  // (g xor m) − m: negates the lanes where m = −1 (0xff), keeps those where m = 0
  return i8x16.sub(v128.xor(g, neg), neg);
}

/** ksigns_iq2xs[i]: the 8-bit sign mask of a 7-bit sign index (parity bit in bit 7). */
@inline export function ksigns(i: u32): u32 {
  return <u32>load<u8>(IQ2_XXS_KSIGNS_IQ2XS + <usize>(i & 127));
}

/** Bytes 0..7 of the 8-byte grid entry `index` of `grid`. */
@inline export function grid8(grid: usize, index: u32): u64 {
  return load<u64>(grid + (<usize>index << 3));
}

/** Two 4-byte grid entries (iq3 grids) joined into 8 bytes, `a` first. */
@inline export function grid4x2(grid: usize, a: u32, b: u32): u64 {
  return <u64>load<u32>(grid + (<usize>a << 2)) | (<u64>load<u32>(grid + (<usize>b << 2)) << 32);
}

/**
 * IQ1S_DELTA = IQ1M_DELTA = 0.125 (ggml-common.h), stated in the iq1_s / iq1_m specs (provenance notes and
 * encoding description): the shift of the ternary grid.
 */
export const IQ1_DELTA: f32 = 0.125;
