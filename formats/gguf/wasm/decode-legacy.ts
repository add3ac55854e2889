/**
 * Decode of ggml's 32-element "legacy" types, one exported kernel per format, all built from three
 * encoding kinds driven by the generated layout constants:
 *   - offset nibbles:  value = (code − offset)·d            q4_0 (offset 8)
 *   - codebook nibbles: value = table[code]·d                iq4_nl, mxfp4 (int8 tables from the spec;
 *                                                            mxfp4's d is the E8M0 byte as 2^(e−128))
 *   - five-bit codes:   value = (code − 16)·d  |  code·d + m  q5_0 | q5_1 (fifth bit in qh)
 *   - nibbles + min:    value = code·d + m                    q4_1
 *   - bytes:            value = code·d                        q8_0, q8_1 (its s = d·Σcodes is not needed)
 *
 * Memory map of every kernel `<id>_decode(src, n, dst)`:
 *   src: n/32 blocks back to back, each BLOCK_BYTES long; fp16 d at D_OFFSET (and m at M_OFFSET),
 *        codes at QS_OFFSET (and the 32-bit fifth-bit word at QH_OFFSET)
 *   dst: n float32 values, element j of block b at dst + 4·(32·b + j)
 * Nibble packing (all 4/5-bit legacy types): element j (0..15) is the low nibble of code byte j, element
 * j + 16 its high nibble.
 *
 * Arithmetic is the reference's: a code (an exact small integer) times the fp16 scale widened to f32 is
 * one correctly rounded multiply; `+ m` is a second rounding, never fused. So every lane is bit-identical.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { bitsToBytes16, storeI8x16Scaled, storeI8x16ScaledAt, storeU8x16ScaledPlus } from '../../../packages/runtime-wasm/assembly/simd';
import {
  IQ4_NL_BLOCK_BYTES,
  IQ4_NL_D_OFFSET,
  IQ4_NL_KVALUES_IQ4NL,
  IQ4_NL_QS_OFFSET,
  MXFP4_BLOCK_BYTES,
  MXFP4_E_OFFSET,
  MXFP4_KVALUES_MXFP4,
  MXFP4_QS_OFFSET,
  Q4_0_BLOCK_BYTES,
  Q4_0_D_OFFSET,
  Q4_0_QS_OFFSET,
  Q4_1_BLOCK_BYTES,
  Q4_1_D_OFFSET,
  Q4_1_M_OFFSET,
  Q4_1_QS_OFFSET,
  Q5_0_BLOCK_BYTES,
  Q5_0_D_OFFSET,
  Q5_0_QH_OFFSET,
  Q5_0_QS_OFFSET,
  Q5_1_BLOCK_BYTES,
  Q5_1_D_OFFSET,
  Q5_1_M_OFFSET,
  Q5_1_QH_OFFSET,
  Q5_1_QS_OFFSET,
  Q8_0_BLOCK_BYTES,
  Q8_0_D_OFFSET,
  Q8_0_QS_OFFSET,
  Q8_1_BLOCK_BYTES,
  Q8_1_D_OFFSET,
  Q8_1_QS_OFFSET,
} from './generated/constants';

// Every legacy type has 32 elements per block: 128 output bytes.
const OUT_BYTES: usize = 128;

/** Low and high nibbles of 16 code bytes, as two vectors of 16 unsigned byte lanes. */
@inline function lowNibbles(v: v128): v128 {
  return v128.and(v, i8x16.splat(0x0f));
}
@inline function highNibbles(v: v128): v128 {
  return i8x16.shr_u(v, 4);
}

@inline function q4_0Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q4_0_D_OFFSET)));
  const v = v128.load(src + Q4_0_QS_OFFSET);
  const eight = i8x16.splat(8);
  storeI8x16Scaled(i8x16.sub(lowNibbles(v), eight), d, dst);
  storeI8x16Scaled(i8x16.sub(highNibbles(v), eight), d, dst + 64);
}

export function q4_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q4_0Block(src + <usize>b * Q4_0_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q4_1Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q4_1_D_OFFSET)));
  const m = f32x4.splat(f16ToF32(load<u16>(src + Q4_1_M_OFFSET)));
  const v = v128.load(src + Q4_1_QS_OFFSET);
  storeU8x16ScaledPlus(lowNibbles(v), d, m, dst);
  storeU8x16ScaledPlus(highNibbles(v), d, m, dst + 64);
}

export function q4_1_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q4_1Block(src + <usize>b * Q4_1_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/** The 32 five-bit codes of a block: low nibbles from qs, bit j of the little-endian qh word as bit 4. */
@inline function fiveBitLow(qs: v128, qh: u32): v128 {
  return v128.or(lowNibbles(qs), v128.and(bitsToBytes16(qh), i8x16.splat(0x10)));
}
@inline function fiveBitHigh(qs: v128, qh: u32): v128 {
  return v128.or(highNibbles(qs), v128.and(bitsToBytes16(qh >>> 16), i8x16.splat(0x10)));
}

@inline function q5_0Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q5_0_D_OFFSET)));
  const qh = load<u32>(src + Q5_0_QH_OFFSET);
  const qs = v128.load(src + Q5_0_QS_OFFSET);
  const sixteen = i8x16.splat(16);
  storeI8x16Scaled(i8x16.sub(fiveBitLow(qs, qh), sixteen), d, dst);
  storeI8x16Scaled(i8x16.sub(fiveBitHigh(qs, qh), sixteen), d, dst + 64);
}

export function q5_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q5_0Block(src + <usize>b * Q5_0_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q5_1Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q5_1_D_OFFSET)));
  const m = f32x4.splat(f16ToF32(load<u16>(src + Q5_1_M_OFFSET)));
  const qh = load<u32>(src + Q5_1_QH_OFFSET);
  const qs = v128.load(src + Q5_1_QS_OFFSET);
  storeU8x16ScaledPlus(fiveBitLow(qs, qh), d, m, dst);
  storeU8x16ScaledPlus(fiveBitHigh(qs, qh), d, m, dst + 64);
}

export function q5_1_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q5_1Block(src + <usize>b * Q5_1_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q8_0Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q8_0_D_OFFSET)));
  storeI8x16ScaledAt(src + Q8_0_QS_OFFSET, d, dst);
  storeI8x16ScaledAt(src + Q8_0_QS_OFFSET + 16, d, dst + 64);
}

export function q8_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q8_0Block(src + <usize>b * Q8_0_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q8_1Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + Q8_1_D_OFFSET)));
  storeI8x16ScaledAt(src + Q8_1_QS_OFFSET, d, dst);
  storeI8x16ScaledAt(src + Q8_1_QS_OFFSET + 16, d, dst + 64);
}

export function q8_1_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) q8_1Block(src + <usize>b * Q8_1_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function iq4_nlBlock(src: usize, dst: usize, table: v128): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + IQ4_NL_D_OFFSET)));
  const v = v128.load(src + IQ4_NL_QS_OFFSET);
  // the codebook holds int8 values: one swizzle looks all 16 lanes up at once
  storeI8x16Scaled(i8x16.swizzle(table, lowNibbles(v)), d, dst);
  storeI8x16Scaled(i8x16.swizzle(table, highNibbles(v)), d, dst + 64);
}

export function iq4_nl_decode(src: usize, n: i32, dst: usize): void {
  const table = v128.load(IQ4_NL_KVALUES_IQ4NL);
  for (let b = 0; b < n >>> 5; b++) iq4_nlBlock(src + <usize>b * IQ4_NL_BLOCK_BYTES, dst + <usize>b * OUT_BYTES, table);
}

/** ggml_e8m0_to_fp32_half: 2^(e−128) built from bits (e < 2 gives the subnormals 2^-128, 2^-127). */
@inline export function e8m0Half(e: u32): f32 {
  return reinterpret<f32>(e < 2 ? <u32>0x00200000 << e : (e - 1) << 23);
}

@inline function mxfp4Block(src: usize, dst: usize, table: v128): void {
  const d = f32x4.splat(e8m0Half(<u32>load<u8>(src + MXFP4_E_OFFSET)));
  const v = v128.load(src + MXFP4_QS_OFFSET);
  storeI8x16Scaled(i8x16.swizzle(table, lowNibbles(v)), d, dst);
  storeI8x16Scaled(i8x16.swizzle(table, highNibbles(v)), d, dst + 64);
}

export function mxfp4_decode(src: usize, n: i32, dst: usize): void {
  const table = v128.load(MXFP4_KVALUES_MXFP4);
  for (let b = 0; b < n >>> 5; b++) mxfp4Block(src + <usize>b * MXFP4_BLOCK_BYTES, dst + <usize>b * OUT_BYTES, table);
}
