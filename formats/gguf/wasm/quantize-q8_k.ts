/**
 * Activation quantizer for the k-quant dots: float32 → q8_k exactly as quantize_row_q8_K_ref: per 256
 * elements, max = the signed value of largest magnitude (the first one on ties), iscale = −127/max,
 * codes min(127, nearest_int(iscale·x)) (round half to even: f32x4.nearest, as the 1.5·2^23 trick of ggml's
 * nearest_int for |v| < 2^22), int16 sums of each 16 codes, d = 1/iscale. An all-zero block is all zeros.
 *
 * Memory map of `quantizeRowQ8_K(src, n, dst)`: src n float32 (n a multiple of 256); dst n/256 blocks of
 * Q8_K_BLOCK_BYTES: f32 d at Q8_K_D_OFFSET, 256 int8 at Q8_K_QS_OFFSET, 16 int16 at Q8_K_BSUMS_OFFSET.
 */
import { Q8_K_BLOCK_BYTES, Q8_K_BSUMS_OFFSET, Q8_K_D_OFFSET, Q8_K_QS_OFFSET } from './generated/constants';

@inline function codes4(x: usize, iscale: v128): v128 {
  return i32x4.min_s(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(iscale, v128.load(x)))), i32x4.splat(127));
}

export function quantizeBlockQ8_K(x: usize, q: usize): void {
  let amax: f32 = 0;
  let maxv: f32 = 0;
  for (let j = 0; j < 256; j++) {
    const v = load<f32>(x + (<usize>j << 2));
    const a = abs<f32>(v);
    if (a > amax) {
      amax = a;
      maxv = v;
    }
  }
  if (amax == 0) {
    memory.fill(q, 0, Q8_K_BLOCK_BYTES);
    return;
  }
  const iscale: f32 = -127 / maxv;
  const vs = f32x4.splat(iscale);
  for (let g = 0; g < 16; g++) {
    const xg = x + (<usize>g << 6);
    const a = i16x8.narrow_i32x4_s(codes4(xg, vs), codes4(xg + 16, vs));
    const b = i16x8.narrow_i32x4_s(codes4(xg + 32, vs), codes4(xg + 48, vs));
    const c = i8x16.narrow_i16x8_s(a, b);
    v128.store(q + Q8_K_QS_OFFSET + (<usize>g << 4), c);
    // group sum of the 16 stored codes, as int16
    const s = i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(c));
    const sum = i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1) + i32x4.extract_lane(s, 2) + i32x4.extract_lane(s, 3);
    store<i16>(q + Q8_K_BSUMS_OFFSET + (<usize>g << 1), <i16>sum);
  }
  store<f32>(q + Q8_K_D_OFFSET, <f32>1 / iscale);
}

export function quantizeRowQ8_K(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) quantizeBlockQ8_K(src + (<usize>b << 10), dst + <usize>b * Q8_K_BLOCK_BYTES);
}
