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

/** Whether all n float32 values at y are finite (no ±inf, no NaN): x − x is 0 exactly for finite x. */
export function allFinite(y: usize, n: i32): bool {
  let bad = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(y + (<usize>j << 2));
    bad = v128.or(bad, f32x4.ne(f32x4.sub(v, v), f32x4.splat(0)));
  }
  for (; j < n; j++) {
    const v = load<f32>(y + (<usize>j << 2));
    if (v - v != 0) return false;
  }
  return !v128.any_true(bad);
}

/**
 * decodeDotRows for a matrix whose per-tensor side info (headerBytes) precedes the rows: each row is copied
 * behind a copy of the header, so the format's own decode (which reads the header at its input) decodes it.
 * The exact path of a kernel that otherwise sums in its own order (iFairy's multiplication-free dot).
 */
export function decodeDotRowsWithHeader(decode: (src: usize, n: i32, dst: usize) => void, w: usize, headerBytes: usize, y: usize, rows: i32, n: i32, dst: usize, rowBytes: usize): void {
  const m = mark();
  const tensor = alloc(headerBytes + rowBytes);
  const x = alloc(<usize>n << 2);
  memory.copy(tensor, w, headerBytes);
  for (let r = 0; r < rows; r++) {
    memory.copy(tensor + headerBytes, w + headerBytes + <usize>r * rowBytes, rowBytes);
    decode(tensor, n, x);
    store<f32>(dst + (<usize>r << 2), dotF32F64(x, y, n));
  }
  release(m);
}
