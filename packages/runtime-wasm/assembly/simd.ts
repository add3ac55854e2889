/**
 * SIMD building blocks shared by the decode and dot kernels of every family. Each helper is the same
 * arithmetic as the scalar reference, lane by lane: integer widening is exact, int→f32 conversion of a
 * small integer is exact, and one f32x4.mul is one correctly rounded multiply, so results are bit-identical.
 */

/** 16 signed bytes → 16 float32 lanes times `scale`, stored as 64 bytes at dst. */
@inline export function storeI8x16Scaled(codes: v128, scale: v128, dst: usize): void {
  const lo = i16x8.extend_low_i8x16_s(codes);
  const hi = i16x8.extend_high_i8x16_s(codes);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), scale));
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), scale), 16);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), scale), 32);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), scale), 48);
}

/**
 * 16 unsigned bytes → float32 times `scale`, then `+ offset` per lane (a second, separate rounding, as the reference does).
 * The lanes are non-negative, so they widen with the unsigned extends (cheaper than the signed high halves on x64).
 */
@inline export function storeU8x16ScaledPlus(codes: v128, scale: v128, offset: v128, dst: usize): void {
  const lo = i16x8.extend_low_i8x16_u(codes);
  const hi = i16x8.extend_high_i8x16_u(codes);
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), scale), offset));
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), scale), offset), 16);
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), scale), offset), 32);
  v128.store(dst, f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), scale), offset), 48);
}

/**
 * Look up 16 four-bit codes (one per byte lane, 0..15) in a 16-entry float32 table held as four byte
 * planes (plane k = byte k of every entry), and store table[code]·scale for each lane at dst.
 */
@inline export function storeLut16Scaled(codes: v128, p0: v128, p1: v128, p2: v128, p3: v128, scale: v128, dst: usize): void {
  const b0 = i8x16.swizzle(p0, codes);
  const b1 = i8x16.swizzle(p1, codes);
  const b2 = i8x16.swizzle(p2, codes);
  const b3 = i8x16.swizzle(p3, codes);
  // re-interleave the planes into little-endian float32 words: (b0,b1) → u16, then (lo16, hi16) → u32
  const l01 = i8x16.shuffle(b0, b1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const h01 = i8x16.shuffle(b0, b1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const l23 = i8x16.shuffle(b2, b3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const h23 = i8x16.shuffle(b2, b3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  v128.store(dst, f32x4.mul(i16x8.shuffle(l01, l23, 0, 8, 1, 9, 2, 10, 3, 11), scale));
  v128.store(dst, f32x4.mul(i16x8.shuffle(l01, l23, 4, 12, 5, 13, 6, 14, 7, 15), scale), 16);
  v128.store(dst, f32x4.mul(i16x8.shuffle(h01, h23, 0, 8, 1, 9, 2, 10, 3, 11), scale), 32);
  v128.store(dst, f32x4.mul(i16x8.shuffle(h01, h23, 4, 12, 5, 13, 6, 14, 7, 15), scale), 48);
}

/** Split a 16-entry float32 table at `table` into its four byte planes (see storeLut16Scaled). */
@inline export function lutPlane(table: usize, k: i32): v128 {
  const a = v128.load(table);
  const b = v128.load(table, 16);
  const c = v128.load(table, 32);
  const d = v128.load(table, 48);
  // byte k of each word: lanes k, k+4, k+8, k+12 of each 16-byte quarter
  const ab = i8x16.swizzle(a, planeIndex(k));
  const bb = i8x16.swizzle(b, planeIndex(k));
  const cb = i8x16.swizzle(c, planeIndex(k));
  const db = i8x16.swizzle(d, planeIndex(k));
  const abj = i32x4.shuffle(ab, bb, 0, 4, 0, 0);
  const cdj = i32x4.shuffle(cb, db, 0, 4, 0, 0);
  return i64x2.shuffle(abj, cdj, 0, 2);
}

@inline function planeIndex(k: i32): v128 {
  // lanes 0..3 pick byte k of words 0..3; lanes 4..15 pick index 0x80 (zero)
  return i32x4.replace_lane(i32x4.splat(0x80808080), 0, (k | ((k + 4) << 8) | ((k + 8) << 16) | ((k + 12) << 24)));
}

/** 32-bit mask → 16 byte lanes: lane j is 0xff when bit (j + shift) of `bits` is set. */
@inline export function bitsToBytes16(bits: u32): v128 {
  const spread = i8x16.swizzle(i32x4.splat(bits), i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
  const select = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return i8x16.eq(v128.and(spread, select), select);
}

/** Horizontal sum of four i32 lanes. */
@inline export function sumI32x4(v: v128): i32 {
  return i32x4.extract_lane(v, 0) + i32x4.extract_lane(v, 1) + i32x4.extract_lane(v, 2) + i32x4.extract_lane(v, 3);
}

/** Σ a[i]·b[i] over 16 signed byte lanes, as four i32 partial sums (exact for |a|,|b| ≤ 128). */
@inline export function dotI8x16(a: v128, b: v128): v128 {
  return i32x4.add(
    i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_low_i8x16_s(a, b)),
    i32x4.extadd_pairwise_i16x8_s(i16x8.extmul_high_i8x16_s(a, b)),
  );
}

/** 16 unsigned bytes → float32 times `scale`, then `− offset` per lane (two roundings, as the k-quant references). */
@inline export function storeU8x16ScaledMinus(codes: v128, scale: v128, offset: v128, dst: usize): void {
  const lo = i16x8.extend_low_i8x16_u(codes);
  const hi = i16x8.extend_high_i8x16_u(codes);
  v128.store(dst, f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), scale), offset));
  v128.store(dst, f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), scale), offset), 16);
  v128.store(dst, f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), scale), offset), 32);
  v128.store(dst, f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), scale), offset), 48);
}

/**
 * Bits 2k..2k+1 of every byte of v, for a constant k (0..3): an int16 shift (one native instruction; V8
 * emulates byte-lane shifts, and with a variable count also rebuilds the shift mask each time) and a mask
 * of 3 per byte, which drops whatever the int16 shift moved in from the neighbouring byte. Callers pass a
 * literal k, so after inlining the count is a constant.
 */
@inline export function crumb(v: v128, k: i32): v128 {
  return v128.and(i16x8.shr_u(v, 2 * k), i8x16.splat(3));
}

/** The four i32x4 partial sums of four blocks, each summed across its lanes: [Σs0, Σs1, Σs2, Σs3]. */
@inline export function hsum4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const t0 = i32x4.add(i32x4.shuffle(s0, s1, 0, 4, 1, 5), i32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const t1 = i32x4.add(i32x4.shuffle(s2, s3, 0, 4, 1, 5), i32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(t0, t1, 0, 1, 4, 5), i32x4.shuffle(t0, t1, 2, 3, 6, 7));
}

/**
 * The constants of f16x4ToF32, in memory: V8 rebuilds a splat constant inside a loop from a 64-bit immediate
 * (three instructions each, every iteration), while a load from here is one, often folded into its user.
 */
const F16_CONSTS: usize = memory.data<u32>([
  0x7fff, 0x7fff, 0x7fff, 0x7fff,
  0x77800000, 0x77800000, 0x77800000, 0x77800000,
  0x70000000, 0x70000000, 0x70000000, 0x70000000,
  0x0f7fffff, 0x0f7fffff, 0x0f7fffff, 0x0f7fffff,
  0x8000, 0x8000, 0x8000, 0x8000,
], 16);

/**
 * Four fp16 values (low 16 bits of each i32 lane) to float32, exactly as f16ToF32 does each: exponent and
 * mantissa moved into place (em·2^13) and scaled by 2^112 (exact, subnormals included: wasm does not flush
 * them); inf and NaN (em·2^13 above 0x0f7fffff) get the all-ones float32 exponent with the payload kept by
 * bits (em·2^13 | 0x70000000); then the sign.
 */
@inline export function f16x4ToF32(h: v128): v128 {
  const em = i32x4.shl(v128.and(h, v128.load(F16_CONSTS)), 13);
  const finite = f32x4.mul(em, v128.load(F16_CONSTS, 16));
  const special = v128.or(em, v128.load(F16_CONSTS, 32));
  const value = v128.bitselect(special, finite, i32x4.gt_s(em, v128.load(F16_CONSTS, 48)));
  return v128.or(value, i32x4.shl(v128.and(h, v128.load(F16_CONSTS, 64)), 16));
}

/** The four fp16 scales of blocks b..b+3 of a row (at `at`, `stride` bytes apart), as float32. */
@inline export function scales4(at: usize, stride: usize): v128 {
  // each fp16 straight from memory into the low half of its i32 lane (one pinsrw with a memory operand
  // each; the high halves stay zero), where scalar loads and i32 lane inserts took nine instructions
  let h = v128.load16_lane(at, i32x4.splat(0), 0);
  h = v128.load16_lane(at + stride, h, 2);
  h = v128.load16_lane(at + 2 * stride, h, 4);
  h = v128.load16_lane(at + 3 * stride, h, 6);
  return f16x4ToF32(h);
}

/**
 * Byte lanes 4k..4k+3 of v zero-extended to four i32 lanes (k a literal 0..3): a byte shuffle against a
 * zero vector, which V8's x64 backend lowers to one pmovzxbd (after a palignr for k > 0), in place of the
 * two extend steps u8 → u16 → u32 (the high-half extends cost extra unpacks). A swizzle with 0x80 indices
 * measured slower (V8 adds a saturating add to the indices before pshufb).
 */
@inline export function bytesToI32(v: v128, k: i32): v128 {
  const z = i32x4.splat(0);
  if (k == 0) return i8x16.shuffle(v, z, 0, 16, 16, 16, 1, 16, 16, 16, 2, 16, 16, 16, 3, 16, 16, 16);
  if (k == 1) return i8x16.shuffle(v, z, 4, 16, 16, 16, 5, 16, 16, 16, 6, 16, 16, 16, 7, 16, 16, 16);
  if (k == 2) return i8x16.shuffle(v, z, 8, 16, 16, 16, 9, 16, 16, 16, 10, 16, 16, 16, 11, 16, 16, 16);
  return i8x16.shuffle(v, z, 12, 16, 16, 16, 13, 16, 16, 16, 14, 16, 16, 16, 15, 16, 16, 16);
}

/**
 * 16 signed bytes at src → float32 times `scale`, 64 bytes at dst, for codes read straight from memory: two
 * sign-extending 8-byte loads (each one pmovsxbw with a memory operand) replace the load and the two
 * in-register byte extends of storeI8x16Scaled (the high-half extend costs an extra unpack). Same values.
 */
@inline export function storeI8x16ScaledAt(src: usize, scale: v128, dst: usize): void {
  const lo = v128.load8x8_s(src);
  const hi = v128.load8x8_s(src, 8);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(lo)), scale));
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(lo)), scale), 16);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(hi)), scale), 32);
  v128.store(dst, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(hi)), scale), 48);
}
