/**
 * Float32 helpers that reproduce ggml's C arithmetic bit for bit. Every float operation in a port is
 * wrapped in `fround` (JS computes in double; rounding each +,−,×,÷,sqrt result to float32 gives the
 * correctly rounded float32 result, i.e. what C computes without FMA contraction).
 */
import { bitsToF32, f32ToBits, fp16BitsToFp32, fp32ToFp16Bits } from '@qbench/core';

export const fround = Math.fround;

/** ggml's GROUP_MAX_EPS (1e-15f): a block whose max magnitude is below it counts as all zero. */
export const GROUP_MAX_EPS = fround(1e-15);

/**
 * ggml's nearest_int: add 1.5·2^23 so the float adder rounds to an integer (ties to even), then read the
 * low mantissa bits. Reproduced through the bit pattern so out-of-range inputs give ggml's exact result too.
 */
export function nearestInt(fval: number): number {
  const val = fround(fval + 12582912);
  return (f32ToBits(val) & 0x007fffff) - 0x00400000;
}

/** C's roundf: round half away from zero. */
export function roundf(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Saturating clamp, ggml's MAX(lo, MIN(hi, v)). */
export function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function readF16(q: Uint8Array, offset: number): number {
  return fp16BitsToFp32(q[offset]! | (q[offset + 1]! << 8));
}

export function writeF16(q: Uint8Array, offset: number, x: number): void {
  const h = fp32ToFp16Bits(x);
  q[offset] = h & 0xff;
  q[offset + 1] = h >>> 8;
}

export function readF32(q: Uint8Array, offset: number): number {
  return bitsToF32(q[offset]! | (q[offset + 1]! << 8) | (q[offset + 2]! << 16) | (q[offset + 3]! << 24));
}

export function writeF32(q: Uint8Array, offset: number, x: number): void {
  const b = f32ToBits(x);
  q[offset] = b & 0xff;
  q[offset + 1] = (b >>> 8) & 0xff;
  q[offset + 2] = (b >>> 16) & 0xff;
  q[offset + 3] = b >>> 24;
}

export function readI8(q: Uint8Array, offset: number): number {
  return (q[offset]! << 24) >> 24;
}

/** Store a C int8_t: the value is wrapped to 8 bits as the C conversion would (callers pass in-range values). */
export function writeI8(q: Uint8Array, offset: number, v: number): void {
  q[offset] = v & 0xff;
}

/** Σ x² over a row, accumulated in float32 left to right as ggml's loops do. */
export function sumSquaresF32(x: Float32Array): number {
  let s = 0;
  for (let j = 0; j < x.length; j++) s = fround(s + fround(x[j]! * x[j]!));
  return s;
}
