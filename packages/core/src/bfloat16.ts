/**
 * bfloat16 conversions with ggml's semantics (`ggml_compute_fp32_to_bf16`): round to nearest even on
 * the top 16 bits, no flush of subnormals, and a NaN keeps its top 16 bits with the quiet bit forced.
 */
import { bitsToF32, f32ToBits } from './float-bits.ts';

export function fp32ToBf16Bits(x: number): number {
  const u = f32ToBits(x);
  if ((u & 0x7fffffff) >>> 0 > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16) & 0xffff;
}

export function bf16BitsToFp32(h: number): number {
  return bitsToF32((h & 0xffff) << 16);
}
