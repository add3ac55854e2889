/**
 * ggml's float storage types f32, f16 and bf16: decode (widen to float32, exact) and dot, bit-identical to
 * the reference (formats/gguf/src/reference/floats.ts): the activation row is converted to the weight's own
 * type (ggml's vec_dot_type), each product is one float32 multiply, and the products are summed in
 * float64 in order and rounded once (ggml's scalar ggml_vec_dot_* with its ggml_float sum).
 *
 * Memory map: `<id>_decode(src, n, dst)`: n values of 4 (f32) or 2 (f16, bf16) bytes → n float32 at dst.
 * `<id>_dot(w, y, rows, n, dst)`: w rows × n values back to back, y n float32, dst rows float32.
 */
import { f16ToF32, f32ToF16 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';

@inline function bf16ToF32(h: u32): f32 {
  return reinterpret<f32>(h << 16);
}

/** float32 → bf16 bits as ggml_compute_fp32_to_bf16: nearest even; a NaN keeps its top bits, quiet bit set. */
@inline function f32ToBf16(x: f32): u32 {
  const u = reinterpret<u32>(x);
  if ((u & 0x7fffffff) > 0x7f800000) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16) & 0xffff;
}

export function f32_decode(src: usize, n: i32, dst: usize): void {
  memory.copy(dst, src, <usize>n << 2);
}

/**
 * Four fp16 values, each in the high half of an i32 lane (low half zero), to float32 exactly as f16ToF32:
 * exponent and mantissa moved down to float32's places (h·2^13 of the 15 low bits) and scaled by 2^112, which
 * rebiases normals and makes subnormals m·2^-24 (exact: one multiply by a power of two, and wasm does not
 * flush subnormals); inf and NaN (exponent field all ones) instead get the all-ones float32 exponent with
 * the payload kept by bits; the sign bit is already in place and is or-ed back.
 */
@inline function f16HighToF32(x: v128): v128 {
  const em = i32x4.shr_u(v128.and(x, i32x4.splat(0x7fff0000)), 3);
  const finite = f32x4.mul(em, f32x4.splat(reinterpret<f32>(0x77800000)));
  const special = v128.or(em, i32x4.splat(0x70000000));
  const value = v128.bitselect(special, finite, i32x4.gt_s(em, i32x4.splat(0x0f7fffff)));
  return v128.or(value, v128.and(x, i32x4.splat(0x80000000)));
}

/**
 * Four of the eight 16-bit values of v (k = 0: lanes 0..3, k = 1: lanes 4..7), each moved into the high half
 * of a zeroed 32-bit lane: one interleave with zero (a single unpack instruction). A bf16 value there is its
 * float32; an fp16 value goes on through f16HighToF32.
 */
@inline function high4(v: v128, k: i32): v128 {
  const z = i32x4.splat(0);
  // interleaving with zero in front puts each 16-bit value in the high half of its 32-bit lane
  return k == 0 ? i16x8.shuffle(z, v, 0, 8, 1, 9, 2, 10, 3, 11) : i16x8.shuffle(z, v, 4, 12, 5, 13, 6, 14, 7, 15);
}

export function f16_decode(src: usize, n: i32, dst: usize): void {
  let j = 0;
  for (; j + 16 <= n; j += 16) {
    const a = v128.load(src + (<usize>j << 1));
    const b = v128.load(src + (<usize>j << 1), 16);
    const out = dst + (<usize>j << 2);
    v128.store(out, f16HighToF32(high4(a, 0)));
    v128.store(out, f16HighToF32(high4(a, 1)), 16);
    v128.store(out, f16HighToF32(high4(b, 0)), 32);
    v128.store(out, f16HighToF32(high4(b, 1)), 48);
  }
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), f16ToF32(<u32>load<u16>(src + (<usize>j << 1))));
}

export function bf16_decode(src: usize, n: i32, dst: usize): void {
  let j = 0;
  // 32 values per step: two 16-byte loads each give four stores of bf16 << 16 (the float32 bits)
  for (; j + 32 <= n; j += 32) {
    const at = src + (<usize>j << 1);
    const a = v128.load(at);
    const b = v128.load(at, 16);
    const c = v128.load(at, 32);
    const d = v128.load(at, 48);
    const out = dst + (<usize>j << 2);
    v128.store(out, high4(a, 0));
    v128.store(out, high4(a, 1), 16);
    v128.store(out, high4(b, 0), 32);
    v128.store(out, high4(b, 1), 48);
    v128.store(out, high4(c, 0), 64);
    v128.store(out, high4(c, 1), 80);
    v128.store(out, high4(d, 0), 96);
    v128.store(out, high4(d, 1), 112);
  }
  for (; j < n; j++) store<f32>(dst + (<usize>j << 2), bf16ToF32(<u32>load<u16>(src + (<usize>j << 1))));
}

/** Σ fl32(x_j·y_j) in float64, in order, rounded to float32; x, y already float32. */
@inline function rowDot(x: usize, y: usize, n: i32): f32 {
  let s: f64 = 0;
  for (let j = 0; j < n; j++) s += <f64>(load<f32>(x + (<usize>j << 2)) * load<f32>(y + (<usize>j << 2)));
  return <f32>s;
}

export function f32_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), rowDot(w + ((<usize>r * n) << 2), y, n));
}

export function f16_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yh = alloc(<usize>n << 2);
  const x = alloc(<usize>n << 2);
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(yh + o, f16ToF32(f32ToF16(load<f32>(y + o))));
  }
  for (let r = 0; r < rows; r++) {
    f16_decode(w + ((<usize>r * n) << 1), n, x);
    store<f32>(dst + (<usize>r << 2), rowDot(x, yh, n));
  }
  release(m);
}

export function bf16_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yh = alloc(<usize>n << 2);
  const x = alloc(<usize>n << 2);
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(yh + o, bf16ToF32(f32ToBf16(load<f32>(y + o))));
  }
  for (let r = 0; r < rows; r++) {
    bf16_decode(w + ((<usize>r * n) << 1), n, x);
    store<f32>(dst + (<usize>r << 2), rowDot(x, yh, n));
  }
  release(m);
}
