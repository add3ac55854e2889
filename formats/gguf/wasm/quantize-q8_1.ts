/**
 * Activation quantizer for q4_1 / q5_1 dots: float32 → q8_1 as quantize_row_q8_1_ref: q8_0's d and codes
 * (d = amax/127, codes roundf(x·(1/d))), plus s = d·Σcodes (one float32 product, stored as fp16), which
 * the vec_dot uses for the min term.
 *
 * Memory map of `quantizeRowQ8_1(src, n, dst)`: src n float32; dst n/32 blocks of Q8_1_BLOCK_BYTES:
 * fp16 d at Q8_1_D_OFFSET, fp16 s at Q8_1_S_OFFSET, 32 int8 codes at Q8_1_QS_OFFSET.
 */
import { f32ToF16, roundfX4 } from '../../../packages/runtime-wasm/assembly/float';
import { sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import { Q8_1_BLOCK_BYTES, Q8_1_D_OFFSET, Q8_1_QS_OFFSET, Q8_1_S_OFFSET } from './generated/constants';

@inline function narrow16(x: usize, id: v128): v128 {
  const a = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x), id)));
  const b = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 16), id)));
  const c = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 32), id)));
  const d = i32x4.trunc_sat_f32x4_s(roundfX4(f32x4.mul(v128.load(x, 48), id)));
  return i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
}

export function quantizeRowQ8_1(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 5; b++) {
    const x = src + (<usize>b << 7);
    const q = dst + <usize>b * Q8_1_BLOCK_BYTES;
    let m = f32x4.abs(v128.load(x));
    for (let k: usize = 16; k < 128; k += 16) m = f32x4.max(m, f32x4.abs(v128.load(x + k)));
    const amax = max(max(f32x4.extract_lane(m, 0), f32x4.extract_lane(m, 1)), max(f32x4.extract_lane(m, 2), f32x4.extract_lane(m, 3)));
    const d: f32 = amax / 127;
    const id = f32x4.splat(d != 0 ? <f32>1 / d : 0);
    const lo = narrow16(x, id);
    const hi = narrow16(x + 64, id);
    v128.store(q + Q8_1_QS_OFFSET, lo);
    v128.store(q + Q8_1_QS_OFFSET + 16, hi);
    const sum = sumI32x4(i32x4.extadd_pairwise_i16x8_s(i16x8.add(i16x8.extadd_pairwise_i8x16_s(lo), i16x8.extadd_pairwise_i8x16_s(hi))));
    store<u16>(q + Q8_1_D_OFFSET, <u16>f32ToF16(d));
    store<u16>(q + Q8_1_S_OFFSET, <u16>f32ToF16(<f32>sum * d));
  }
}
