/**
 * Dot (matrix · vector) for ggml's ternary types against q8_k activations, as ggml's generic vec_dot
 * (ggml_vec_dot_tq{1,2}_0_q8_K_generic): per 256-element block the exact integer Σ (t − 1)·q8, then
 * sumf += (float)sumi · (d_x·d_y), each product rounded, blocks in order — so bit-identical to the reference.
 * The trits come out as in decode-ternary.ts (tq2_0: 2-bit codes; tq1_0: base-3 fixed-point bytes).
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/256 blocks; y n float32; dst rows float32;
 * scratch n/256 q8_k blocks from the module allocator, released before returning.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { dotI8x16, sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import {
  Q8_K_BLOCK_BYTES,
  Q8_K_D_OFFSET,
  Q8_K_QS_OFFSET,
  TQ1_0_BLOCK_BYTES,
  TQ1_0_D_OFFSET,
  TQ1_0_QH_OFFSET,
  TQ1_0_QS_OFFSET,
  TQ2_0_BLOCK_BYTES,
  TQ2_0_D_OFFSET,
  TQ2_0_QS_OFFSET,
} from './generated/constants';
import { quantizeRowQ8_K } from './quantize-q8_k';

@inline function tq2_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const three = i8x16.splat(3);
  const one = i8x16.splat(1);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * TQ2_0_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let acc = i32x4.splat(0);
    for (let h = 0; h < 2; h++) {
      for (let m0 = 0; m0 < 32; m0 += 16) {
        const v = v128.load(x + TQ2_0_QS_OFFSET + 32 * h + m0);
        for (let k = 0; k < 4; k++) {
          const codes = i8x16.sub(v128.and(i8x16.shr_u(v, 2 * k), three), one);
          acc = i32x4.add(acc, dotI8x16(codes, v128.load(yb + Q8_K_QS_OFFSET + 128 * h + 32 * k + m0)));
        }
      }
    }
    const sumi = sumI32x4(acc);
    sumf += <f32>sumi * (f16ToF32(load<u16>(x + TQ2_0_D_OFFSET)) * load<f32>(yb + Q8_K_D_OFFSET));
  }
  return sumf;
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

@inline function tq1_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * TQ1_0_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    const q0 = v128.load(x + TQ1_0_QS_OFFSET);
    const q1 = v128.load(x + TQ1_0_QS_OFFSET + 16);
    const q2 = v128.load(x + TQ1_0_QS_OFFSET + 32);
    const ys = yb + Q8_K_QS_OFFSET;
    let acc = i32x4.splat(0);
    let pow3: i16 = 1;
    for (let k = 0; k < 5; k++) {
      acc = i32x4.add(acc, dotI8x16(trits16(q0, pow3), v128.load(ys + 32 * k)));
      acc = i32x4.add(acc, dotI8x16(trits16(q1, pow3), v128.load(ys + 32 * k + 16)));
      acc = i32x4.add(acc, dotI8x16(trits16(q2, pow3), v128.load(ys + 160 + 16 * k)));
      pow3 *= 3;
    }
    let sumi = sumI32x4(acc);
    let p: u32 = 1;
    for (let k = 0; k < 4; k++) {
      for (let j = 0; j < 4; j++) {
        const t = <i32>(((((<u32>load<u8>(x + TQ1_0_QH_OFFSET + j)) * p) & 0xff) * 3) >> 8);
        sumi += (t - 1) * <i32>load<i8>(ys + 240 + j + 4 * k);
      }
      p *= 3;
    }
    sumf += <f32>sumi * (f16ToF32(load<u16>(x + TQ1_0_D_OFFSET)) * load<f32>(yb + Q8_K_D_OFFSET));
  }
  return sumf;
}

@inline function prepare(y: usize, n: i32): usize {
  const yq = alloc(<usize>(n >>> 8) * Q8_K_BLOCK_BYTES);
  quantizeRowQ8_K(y, n, yq);
  return yq;
}

export function tq2_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * TQ2_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), tq2_0Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function tq1_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * TQ1_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), tq1_0Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}
