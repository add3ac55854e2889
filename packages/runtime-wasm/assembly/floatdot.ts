/**
 * The float dot of formats whose source defines no vec_dot (NF4, FP4, MX, minifloats, BFP): the conformance
 * harness's reference is Σ decode(x)_j·y_j in float64, j in order, rounded once to float32. Each row is
 * decoded (the format's own SIMD decode, bit-exact) into scratch, then multiplied and summed here in
 * float64, in order: a product of two float32 values is exact in float64, so every rounding matches the
 * reference and the result is bit-identical to it.
 */
import { alloc, mark, release } from './memory';

/** Σ x_j·y_j over n float32 pairs, in float64, in order, rounded to float32. */
@inline export function dotF32F64(x: usize, y: usize, n: i32): f32 {
  let s: f64 = 0;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    s += <f64>load<f32>(x + o) * <f64>load<f32>(y + o);
  }
  return <f32>s;
}

/**
 * rows × n matvec through a decode kernel: `decode(row, n, scratch)` then dotF32F64. `rowBytes` is one
 * row's encoded size (whole blocks, no per-tensor header).
 */
@inline export function decodeDotRows(decode: (src: usize, n: i32, dst: usize) => void, w: usize, y: usize, rows: i32, n: i32, dst: usize, rowBytes: usize): void {
  const m = mark();
  const x = alloc(<usize>n << 2);
  for (let r = 0; r < rows; r++) {
    decode(w + <usize>r * rowBytes, n, x);
    store<f32>(dst + (<usize>r << 2), dotF32F64(x, y, n));
  }
  release(m);
}
