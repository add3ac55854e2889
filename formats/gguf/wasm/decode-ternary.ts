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

/**
 * The four 16-element groups of one 16-byte qs vector: bits 2k..2k+1 → element offset 32k. Unrolled so every
 * i8x16.shr_u has a constant count: with a loop-variable count V8 emits its generic byte-shift sequence
 * (this decode ran ~3.8× slower that way).
 */
@inline function tq2_0Quad(v: v128, d: v128, dst: usize): void {
  const three = i8x16.splat(3);
  const one = i8x16.splat(1);
  storeI8x16Scaled(i8x16.sub(v128.and(v, three), one), d, dst);
  storeI8x16Scaled(i8x16.sub(v128.and(i8x16.shr_u(v, 2), three), one), d, dst + 128);
  storeI8x16Scaled(i8x16.sub(v128.and(i8x16.shr_u(v, 4), three), one), d, dst + 256);
  storeI8x16Scaled(i8x16.sub(i8x16.shr_u(v, 6), one), d, dst + 384);
}

@inline function tq2_0Block(src: usize, dst: usize): void {
  const d = f32x4.splat(f16ToF32(load<u16>(src + TQ2_0_D_OFFSET)));
  // qs byte 32h + m holds elements 128h + 32k + m
  tq2_0Quad(v128.load(src + TQ2_0_QS_OFFSET), d, dst);
  tq2_0Quad(v128.load(src + TQ2_0_QS_OFFSET + 16), d, dst + 64);
  tq2_0Quad(v128.load(src + TQ2_0_QS_OFFSET + 32), d, dst + 512);
  tq2_0Quad(v128.load(src + TQ2_0_QS_OFFSET + 48), d, dst + 576);
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

/** Trit k (multiplier pow3 = 3^k) of the 48 qs bytes a, b, c: elements 32k + (0..31) and 160 + 16k + (0..15). */
@inline function tq1_0Trit(a: v128, b: v128, c: v128, pow3: i16, d: v128, dst: usize, k: i32): void {
  storeI8x16Scaled(trits16(a, pow3), d, dst + (<usize>(32 * k) << 2));
  storeI8x16Scaled(trits16(b, pow3), d, dst + (<usize>(32 * k + 16) << 2));
  storeI8x16Scaled(trits16(c, pow3), d, dst + (<usize>(160 + 16 * k) << 2));
}

@inline function tq1_0Block(src: usize, dst: usize): void {
  const df = f16ToF32(load<u16>(src + TQ1_0_D_OFFSET));
  const d = f32x4.splat(df);
  const a = v128.load(src + TQ1_0_QS_OFFSET);
  const b = v128.load(src + TQ1_0_QS_OFFSET + 16);
  const c = v128.load(src + TQ1_0_QS_OFFSET + 32);
  tq1_0Trit(a, b, c, 1, d, dst, 0);
  tq1_0Trit(a, b, c, 3, d, dst, 1);
  tq1_0Trit(a, b, c, 9, d, dst, 2);
  tq1_0Trit(a, b, c, 27, d, dst, 3);
  tq1_0Trit(a, b, c, 81, d, dst, 4);
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
