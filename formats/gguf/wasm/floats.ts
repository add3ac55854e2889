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

export function f16_decode(src: usize, n: i32, dst: usize): void {
  for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), f16ToF32(<u32>load<u16>(src + (<usize>j << 1))));
}

export function bf16_decode(src: usize, n: i32, dst: usize): void {
  for (let j = 0; j < n; j++) store<f32>(dst + (<usize>j << 2), bf16ToF32(<u32>load<u16>(src + (<usize>j << 1))));
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
