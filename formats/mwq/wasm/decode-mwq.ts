/**
 * The mwq family's shared kernels: every spec's `<id>_decode` and `<id>_dot` is generated from its params and
 * scale kind (wasm/generated/entries.ts) as one call of decodeMwq or dotMwq below.
 *
 * Decode of MWQ (bit-plane slices of an int8 master): ŵ_i = α_g·(S_i·2^(masterBits − r) − z_g), the exact
 * integer times the group's float32 scale, rounded once (bit-exact with the reference). The slice mode
 * (round / truncate) only matters to the encoder. Eight weights share a byte position in every plane: the r
 * plane bytes, plane p placed in byte r−1−p of a u64, are one 8×8 bit matrix whose transpose holds the eight
 * codes, one per byte (transpose8), which SIMD then scales.
 *
 * Double Rounding (dround_*) decodes the same way with z = 2^(masterBits − 1) fixed (its offset-binary codes
 * of a symmetric grid) and no zero-point bytes in the stream.
 * Memory map of `<id>_decode(src, n, dst)`: src = the side info of the n/groupSize groups (float32 LE
 * scales α, then uint8 zero points z — none for dround), then r bit planes of ⌈n/8⌉ bytes each, most significant first
 * (plane p holds bit r−1−p of every code, weight i at bit i mod 8 of byte ⌊i/8⌋); dst n float32.
 * The side info precedes the planes, so the kernel takes the whole tensor (KERNEL-ABI.md: side info first).
 * `<id>_dot(w, y, rows, n, dst)`: w = the rows × n matrix encoded as that one tensor (its planes span every
 * row), y n float32, dst rows float32: each row decoded into scratch, then the in-order float64 sum of
 * packages/runtime-wasm/assembly/floatdot.ts (MatGPTQ has no vec_dot; the spec's tolerance.dot).
 */
import { dotF32F64 } from '../../../packages/runtime-wasm/assembly/floatdot';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';

/** Transpose of an 8×8 bit matrix held as 8 bytes: bit q of byte k ← bit k of byte q (Hacker's Delight 7-3). */
@inline function transpose8(x: u64): u64 {
  let t = (x ^ (x >> 7)) & 0x00aa00aa00aa00aa;
  x = x ^ t ^ (t << 7);
  t = (x ^ (x >> 14)) & 0x0000cccc0000cccc;
  x = x ^ t ^ (t << 14);
  t = (x ^ (x >> 28)) & 0x00000000f0f0f0f0;
  return x ^ t ^ (t << 28);
}

/**
 * Elements first .. first + count of a tensor of `total` elements (first and count multiples of 8, as
 * groups of groupSize are) → count float32 at dst. `stored`: mwq's per-group uint8 zero points follow the
 * scales; otherwise (Double Rounding's symmetric grid) the zero is the fixed offset 2^(masterBits − 1) of
 * the offset-binary codes and the planes follow the scales directly.
 */
@inline function decodeMwqRange(src: usize, total: i32, first: i32, count: i32, dst: usize, r: i32, masterBits: i32, groupSize: i32, stored: bool): void {
  const groups = total / groupSize;
  const zeros = src + (<usize>groups << 2);
  const planes = zeros + (stored ? <usize>groups : 0);
  const pb = <usize>((total + 7) >> 3);
  const shift = masterBits - r;
  for (let i = first; i < first + count; i += 8) {
    const j = <usize>(i >> 3);
    let x: u64 = 0;
    for (let p = 0; p < r; p++) x |= <u64>load<u8>(planes + <usize>p * pb + j) << (<u64>(r - 1 - p) << 3);
    const codes = i16x8.extend_low_i8x16_u(i64x2.splat(<i64>transpose8(x)));
    const g = <usize>(i / groupSize);
    const scale = f32x4.splat(load<f32>(src + (g << 2)));
    const zero = i32x4.splat(stored ? <i32>load<u8>(zeros + g) : 1 << (masterBits - 1));
    const out = dst + (<usize>(i - first) << 2);
    const lo = i32x4.sub(i32x4.shl(i32x4.extend_low_i16x8_u(codes), shift), zero);
    const hi = i32x4.sub(i32x4.shl(i32x4.extend_high_i16x8_u(codes), shift), zero);
    v128.store(out, f32x4.mul(scale, f32x4.convert_i32x4_s(lo)));
    v128.store(out + 16, f32x4.mul(scale, f32x4.convert_i32x4_s(hi)));
  }
}

@inline export function decodeMwq(src: usize, n: i32, dst: usize, r: i32, masterBits: i32, groupSize: i32, stored: bool = true): void {
  decodeMwqRange(src, n, 0, n, dst, r, masterBits, groupSize, stored);
}

/** rows × n matvec over the matrix encoded as one tensor: row r is elements r·n .. r·n + n − 1. */
@inline export function dotMwq(w: usize, y: usize, rows: i32, n: i32, dst: usize, r: i32, masterBits: i32, groupSize: i32, stored: bool = true): void {
  const m = mark();
  const x = alloc(<usize>n << 2);
  for (let row = 0; row < rows; row++) {
    decodeMwqRange(w, rows * n, row * n, n, x, r, masterBits, groupSize, stored);
    store<f32>(dst + (<usize>row << 2), dotF32F64(x, y, n));
  }
  release(m);
}
