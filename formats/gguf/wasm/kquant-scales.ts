/**
 * The 6-bit sub-block scales of the k-quants, unpacked as ggml does (ggml-quants.c), for the decode and the
 * dot kernels alike. `s` is the address of a block's packed scale bytes; `src` that of an iq4_xs block.
 */
import { IQ4_XS_SCALES_H_OFFSET, IQ4_XS_SCALES_L_OFFSET } from './generated/constants';

/** get_scale_min_k4 (q4_k, q5_k): 6-bit scale of sub-block j (0..7) from the 12 packed bytes at s. */
@inline export function k4Scale(s: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(s + j) & 63 : (<i32>load<u8>(s + j + 4) & 0x0f) | ((<i32>load<u8>(s + j - 4) >> 6) << 4);
}

/** get_scale_min_k4 (q4_k, q5_k): 6-bit min of sub-block j (0..7) from the 12 packed bytes at s. */
@inline export function k4Min(s: usize, j: i32): i32 {
  return j < 4 ? <i32>load<u8>(s + j + 4) & 63 : (<i32>load<u8>(s + j + 4) >> 4) | ((<i32>load<u8>(s + j) >> 6) << 4);
}

/** q3_k's 6-bit scale j (0..15): low nibble from bytes 0..7, top two bits from bytes 8..11. */
@inline export function q3Scale(s: usize, j: i32): i32 {
  const lo = j < 8 ? <i32>load<u8>(s + j) & 0xf : <i32>load<u8>(s + j - 8) >> 4;
  return lo | (((<i32>load<u8>(s + 8 + (j & 3)) >> (2 * (j >> 2))) & 3) << 4);
}

/** iq4_xs's 6-bit scale of 32-element block ib: low nibble from scales_l, top two bits from scales_h. */
@inline export function iq4xsScale(src: usize, ib: i32): i32 {
  const h = <i32>load<u16>(src + IQ4_XS_SCALES_H_OFFSET);
  return ((<i32>load<u8>(src + IQ4_XS_SCALES_L_OFFSET + (ib >> 1)) >> (4 * (ib & 1))) & 0xf) | (((h >> (2 * ib)) & 3) << 4);
}

/**
 * All eight 6-bit scales and mins of a q4_k/q5_k block at once, as ggml's SIMD vec_dot unpacks them (the
 * utmp/kmask shuffle): byte lanes 0..7 hold scales 0..7, lanes 8..15 mins 0..7 (same values as k4Scale/k4Min).
 */
@inline export function k4ScalesMins(s: usize): v128 {
  const u0 = load<u32>(s);
  const u1 = load<u32>(s, 4);
  const u2 = load<u32>(s, 8);
  const m3 = ((u2 >> 4) & 0x0f0f0f0f) | (((u1 >> 6) & 0x03030303) << 4);
  const m2 = u1 & 0x3f3f3f3f;
  const s1 = (u2 & 0x0f0f0f0f) | (((u0 >> 6) & 0x03030303) << 4);
  const s0 = u0 & 0x3f3f3f3f;
  // joined as two 64-bit lanes: two scalar→vector moves instead of four (V8's i32 replace_lane is a pinsrd each)
  const scales = <u64>s0 | (<u64>s1 << 32);
  const mins = <u64>m2 | (<u64>m3 << 32);
  return i64x2.replace_lane(i64x2.splat(scales), 1, mins);
}
