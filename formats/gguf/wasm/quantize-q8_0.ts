/**
 * Activation quantizer for the dot kernels: float32 → q8_0 exactly as quantize_row_q8_0_ref (the reference
 * partner quantizer qbench's dot reference uses): d = amax/127 in float32, codes roundf(x·(1/d)) with the
 * unrounded 1/d, d stored as fp16 (round to nearest even).
 *
 * Memory map of `quantizeRowQ8_0(src, n, dst)`:
 *   src: n float32 activations (n a multiple of 32)
 *   dst: n/32 q8_0 blocks of Q8_0_BLOCK_BYTES: fp16 d at Q8_0_D_OFFSET, 32 int8 codes at Q8_0_QS_OFFSET
 */
import { f32ToF16, roundfX4 } from '../../../packages/runtime-wasm/assembly/float';
import { Q8_0_BLOCK_BYTES, Q8_0_BLOCK_ELEMENTS, Q8_0_D_OFFSET, Q8_0_QS_OFFSET } from './generated/constants';

@inline function narrow16(x: usize, id: v128): v128 {
  const a = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x), id)));
  const b = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 16), id)));
  const c = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 32), id)));
  const d = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 48), id)));
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

export function quantizeBlockQ8_0(x: usize, q: usize): void {
  let m = f32x4.abs(v128.load(x));
  for (let k: usize = 16; k < 128; k += 16) m = f32x4.max(m, f32x4.abs(v128.load(x + k)));
  const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
  const d: f32 = amax / 127;
  const id = f32x4.splat(d != 0 ? <f32>1 / d : 0);
  store<u16>(q + Q8_0_D_OFFSET, <u16>f32ToF16(d));
  v128.store(q + Q8_0_QS_OFFSET, narrow16(x, id));
  v128.store(q + Q8_0_QS_OFFSET + 16, narrow16(x + 64, id));
}

export function quantizeRowQ8_0(src: usize, n: i32, dst: usize): void {
  const blocks = n / Q8_0_BLOCK_ELEMENTS;
  for (let b = 0; b < blocks; b++) quantizeBlockQ8_0(src + <usize>b * 128, dst + <usize>b * Q8_0_BLOCK_BYTES);
}
