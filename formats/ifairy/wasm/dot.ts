/**
 * Dot (matrix · vector, float32 activations) for iFairy's phase codes, multiplication-free as the iFairy
 * matvec is (formats/ifairy/src/matvec.ts): a code only selects ±Re or ±Im of the activation, so each stage
 * needs two accumulators, A = Σ_{q=±1} ±y_re and C = Σ_{q=±i} ±y_im, and two scale multiplies per row.
 *
 * What is computed: the ABI's real dot of a decoded row with y, Σ_j decode(x)_j·y_j over the n interleaved
 * reals (Re w_t at 2t, Im w_t at 2t+1). The reference codec has no dot, so the conformance harness holds this
 * to floatDotRows (the float64 sum of the reference decode times y, rounded once to float32). Since a code
 * decodes to exactly ±s_re on the real lane or ±s_im on the imaginary lane (the other lane +0), that sum is
 * s_re·A + s_im·C per stage: the real part of Ŵ·conj(y), iFairy's 'WconjX' convention.
 *
 * Why float64 accumulators: A and C are sums of float32 activations with signs flipped, which are exact in
 * float64 for any realistic n (no multiplies, so no product rounding), so the only rounding that matters
 * is the final one to float32 — the result is within an ulp or so of the reference's float64 sum, far inside
 * tolerance.dot. float32 accumulators would drift by ~√n ulps and break the 1e-6 relative bound.
 *
 * SIMD: 4 complex weights per block = 8 reals = two f32x4 of y. Per half-block, the code byte is splatted;
 * a lane is kept when its code's parity matches the lane (even k on a Re lane, odd k on an Im lane) and its
 * sign bit flipped when k ≥ 2, all with and/xor — no table, no multiply. The kept lanes are then widened to
 * f64x2 pairs (Re, Im) and added: lane 0 accumulates A, lane 1 accumulates C.
 *
 * Non-finite activations: a masked-off lane would contribute nothing where the reference's 0·inf or 0·NaN
 * gives NaN, so a y holding ±inf or NaN (checked once per call) takes the exact path instead: each row through
 * the decode and the reference's in-order float64 sum (floatdot.ts), bit-identical to the reference.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w = the per-tensor scales (as in decode, at the generated
 * *_HEADER_OFFSET constants) once, then rows × n/BLOCK_ELEMENTS blocks; y n float32; dst rows float32.
 */
import { allFinite, decodeDotRowsWithHeader } from '../../../packages/runtime-wasm/assembly/floatdot';
import { ifairy_decode, ifairy_w2_decode } from './decode';
import {
  IFAIRY_BLOCK_BYTES,
  IFAIRY_BLOCK_ELEMENTS,
  IFAIRY_CODES_OFFSET,
  IFAIRY_S_IM_HEADER_OFFSET,
  IFAIRY_S_RE_HEADER_OFFSET,
  IFAIRY_W2_BLOCK_BYTES,
  IFAIRY_W2_BLOCK_ELEMENTS,
  IFAIRY_W2_CODES1_OFFSET,
  IFAIRY_W2_CODES2_OFFSET,
  IFAIRY_W2_S_IM_HEADER_OFFSET,
  IFAIRY_W2_S_IM2_HEADER_OFFSET,
  IFAIRY_W2_S_RE_HEADER_OFFSET,
  IFAIRY_W2_S_RE2_HEADER_OFFSET,
} from './generated/constants';

/**
 * The signed, masked activations of two complex weights: y = (Re0, Im0, Re1, Im1), codes k0 at bits 0..1
 * and k1 at bits 2..3 of c. Lane kept where bit 0 (k0) / bit 2 (k1) of the code equals the lane's parity
 * (Re lanes need an even code, Im lanes an odd one); sign bit set where bit 1 / bit 3 is set (k = 2, 3).
 */
@inline function signed(y: v128, c: u32): v128 {
  const cv = i32x4.splat(<i32>c);
  const keep = i32x4.eq(v128.and(cv, i32x4(1, 1, 4, 4)), i32x4(0, 1, 0, 4));
  const neg = v128.and(i32x4.ne(v128.and(cv, i32x4(2, 2, 8, 8)), i32x4.splat(0)), i32x4.splat(0x80000000));
  return v128.xor(v128.and(y, keep), neg);
}

/** acc (A, C) += the 4 complex weights of code byte c against the 8 activations at y. */
@inline function accumulate(acc: v128, y: usize, c: u32): v128 {
  const lo = signed(v128.load(y), c);
  const hi = signed(v128.load(y, 16), c >> 4);
  // widen each (Re, Im) pair to f64x2 so lane 0 sums A and lane 1 sums C without rounding
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(lo));
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<i32>(lo, lo, 2, 3, 0, 1)));
  acc = f64x2.add(acc, f64x2.promote_low_f32x4(hi));
  return f64x2.add(acc, f64x2.promote_low_f32x4(v128.shuffle<i32>(hi, hi, 2, 3, 0, 1)));
}

export function ifairy_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const sRe = <f64>load<f32>(w + IFAIRY_S_RE_HEADER_OFFSET);
  const sIm = <f64>load<f32>(w + IFAIRY_S_IM_HEADER_OFFSET);
  const first = w + IFAIRY_S_IM_HEADER_OFFSET + sizeof<f32>();
  const blocks = n / IFAIRY_BLOCK_ELEMENTS;
  const rowBytes = <usize>blocks * IFAIRY_BLOCK_BYTES;
  if (!allFinite(y, n)) {
    decodeDotRowsWithHeader(ifairy_decode, w, first - w, y, rows, n, dst, rowBytes);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = first + <usize>r * rowBytes;
    let acc = f64x2.splat(0);
    for (let b = 0; b < blocks; b++) {
      const c = <u32>load<u8>(row + <usize>b * IFAIRY_BLOCK_BYTES + IFAIRY_CODES_OFFSET);
      acc = accumulate(acc, y + ((<usize>b * IFAIRY_BLOCK_ELEMENTS) << 2), c);
    }
    const a = f64x2.extract_lane(acc, 0);
    const cc = f64x2.extract_lane(acc, 1);
    store<f32>(dst + (<usize>r << 2), <f32>(sRe * a + sIm * cc));
  }
}

export function ifairy_w2_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const sRe1 = <f64>load<f32>(w + IFAIRY_W2_S_RE_HEADER_OFFSET);
  const sIm1 = <f64>load<f32>(w + IFAIRY_W2_S_IM_HEADER_OFFSET);
  const sRe2 = <f64>load<f32>(w + IFAIRY_W2_S_RE2_HEADER_OFFSET);
  const sIm2 = <f64>load<f32>(w + IFAIRY_W2_S_IM2_HEADER_OFFSET);
  const first = w + IFAIRY_W2_S_IM2_HEADER_OFFSET + sizeof<f32>();
  const blocks = n / IFAIRY_W2_BLOCK_ELEMENTS;
  const rowBytes = <usize>blocks * IFAIRY_W2_BLOCK_BYTES;
  if (!allFinite(y, n)) {
    decodeDotRowsWithHeader(ifairy_w2_decode, w, first - w, y, rows, n, dst, rowBytes);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = first + <usize>r * rowBytes;
    // each stage has its own scales, so its own (A, C) pair
    let acc1 = f64x2.splat(0);
    let acc2 = f64x2.splat(0);
    for (let b = 0; b < blocks; b++) {
      const block = row + <usize>b * IFAIRY_W2_BLOCK_BYTES;
      const ys = y + ((<usize>b * IFAIRY_W2_BLOCK_ELEMENTS) << 2);
      acc1 = accumulate(acc1, ys, <u32>load<u8>(block + IFAIRY_W2_CODES1_OFFSET));
      acc2 = accumulate(acc2, ys, <u32>load<u8>(block + IFAIRY_W2_CODES2_OFFSET));
    }
    const s =
      sRe1 * f64x2.extract_lane(acc1, 0) +
      sIm1 * f64x2.extract_lane(acc1, 1) +
      sRe2 * f64x2.extract_lane(acc2, 0) +
      sIm2 * f64x2.extract_lane(acc2, 1);
    store<f32>(dst + (<usize>r << 2), <f32>s);
  }
}
