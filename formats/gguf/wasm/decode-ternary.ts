/**
 * Decode of ggml's ternary types (BitNet b1.58): tq2_0 (2-bit codes) and tq1_0 (five trits per byte, base-3
 * fixed point). Both are y = (t − 1)·d, t ∈ {0, 1, 2}, one float32 multiply of a small integer by the fp16
 * scale: bit-exact with the reference.
 *
 * Memory map of `<id>_decode(src, n, dst)`: src n/256 blocks of BLOCK_BYTES, dst n float32.
 *   tq2_0: qs byte 32h + m holds element 128h + 32k + m at bits 2k..2k+1; fp16 d at D_OFFSET.
 *   tq1_0: trit k of a byte is ⌊((byte·3^k) mod 256)·3/256⌋; qs[m] (m < 32) holds elements m + 32k
 *          (k = 0..4), qs[32 + m] (m < 16) elements 160 + m + 16k, qh[j] (j < 4) elements 240 + j + 4k
 *          (k = 0..3). The 16 qh elements go through the scalar trit function the SIMD path reproduces.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { storeI8x16Scaled } from '../../../packages/runtime-wasm/assembly/simd';
import { TQ1_0_BLOCK_BYTES, TQ1_0_D_OFFSET, TQ1_0_QH_OFFSET, TQ1_0_QS_OFFSET, TQ2_0_BLOCK_BYTES, TQ2_0_D_OFFSET, TQ2_0_QS_OFFSET } from './generated/constants';

const OUT_BYTES: usize = 1024;

@inline function tq2_0Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + TQ2_0_D_OFFSET)));
  const three = i8x16.splat(3);
  const one = i8x16.splat(1);
  for (let h = 0; h < 2; h++) {
    for (let m0 = 0; m0 < 32; m0 += 16) {
      const v = v128.load(src + TQ2_0_QS_OFFSET + 32 * h + m0);
      for (let k = 0; k < 4; k++) {
        const codes = i8x16.sub(v128.and(i8x16.shr_u(v, 2 * k), three), one);
        storeI8x16Scaled(codes, d, dst + (<usize>(128 * h + 32 * k + m0) << 2));
      }
    }
  }
}

export function tq2_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) tq2_0Block(src + <usize>b * TQ2_0_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/** The scalar definition: trit k of `byte`. */
@inline function trit(byte: u32, pow3: u32): i32 {
  return <i32>((((byte * pow3) & 0xff) * 3) >> 8);
}

/** Trit k of 16 bytes at once, minus 1: widen to 16 bits, (byte·3^k mod 256)·3 >> 8, narrow. */
@inline function trits16(v: v128, pow3: i16): v128 {
  const p = i16x8.splat(pow3);
  const mask = i16x8.splat(0xff);
  const three = i16x8.splat(3);
  const lo = i16x8.shr_u(i16x8.mul(v128.and(i16x8.mul(i16x8.extend_low_i8x16_u(v), p), mask), three), 8);
  const hi = i16x8.shr_u(i16x8.mul(v128.and(i16x8.mul(i16x8.extend_high_i8x16_u(v), p), mask), three), 8);
  return i8x16.sub(i8x16.narrow_i16x8_u(lo, hi), i8x16.splat(1));
}

@inline function tq1_0Block(src: usize, dst: usize): void {
  const df = f16ToF32(load<u16>(src + TQ1_0_D_OFFSET));
  const d = f32x4.splat(df);
  let pow3: i16 = 1;
  for (let k = 0; k < 5; k++) {
    storeI8x16Scaled(trits16(v128.load(src + TQ1_0_QS_OFFSET), pow3), d, dst + (<usize>(32 * k) << 2));
    storeI8x16Scaled(trits16(v128.load(src + TQ1_0_QS_OFFSET + 16), pow3), d, dst + (<usize>(32 * k + 16) << 2));
    storeI8x16Scaled(trits16(v128.load(src + TQ1_0_QS_OFFSET + 32), pow3), d, dst + (<usize>(160 + 16 * k) << 2));
    pow3 *= 3;
  }
  let p: u32 = 1;
  for (let k = 0; k < 4; k++) {
    for (let j = 0; j < 4; j++) {
      const t = trit(<u32>load<u8>(src + TQ1_0_QH_OFFSET + j), p);
      store<f32>(dst + (<usize>(240 + j + 4 * k) << 2), <f32>(t - 1) * df);
    }
    p *= 3;
  }
}

export function tq1_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) tq1_0Block(src + <usize>b * TQ1_0_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}
