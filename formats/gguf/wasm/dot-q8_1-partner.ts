/**
 * Dot (matrix · vector) for q4_1 and q5_1 against q8_1 activations (quantize-q8_1.ts), as ggml's generic
 * vec_dot: per 32-element block the exact integer dot Σ code·q8 (codes unsigned: the min is separate), then
 * sumf += ((dx·dy)·sumi + mx·sy) in float32, blocks left to right, each operation rounded as the reference
 * does (sy = the q8_1 block's fp16 s = dy·Σq8). Bit-identical to the reference dot.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/32 blocks; y n float32; dst rows float32;
 * scratch n/32 q8_1 blocks from the module allocator, released before returning.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { bitsToBytes16, dotI8x16, sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import {
  Q4_1_BLOCK_BYTES,
  Q4_1_D_OFFSET,
  Q4_1_M_OFFSET,
  Q4_1_QS_OFFSET,
  Q5_1_BLOCK_BYTES,
  Q5_1_D_OFFSET,
  Q5_1_M_OFFSET,
  Q5_1_QH_OFFSET,
  Q5_1_QS_OFFSET,
  Q8_1_BLOCK_BYTES,
  Q8_1_D_OFFSET,
  Q8_1_QS_OFFSET,
  Q8_1_S_OFFSET,
} from './generated/constants';
import { quantizeRowQ8_1 } from './quantize-q8_1';

@inline function blockTerm(sumi: i32, dx: f32, mx: f32, y: usize): f32 {
  const dxdy = dx * f16ToF32(load<u16>(y + Q8_1_D_OFFSET));
  return dxdy * <f32>sumi + mx * f16ToF32(load<u16>(y + Q8_1_S_OFFSET));
}

@inline function codesDot(lo: v128, hi: v128, y: usize): i32 {
  return sumI32x4(i32x4.add(dotI8x16(lo, v128.load(y + Q8_1_QS_OFFSET)), dotI8x16(hi, v128.load(y + Q8_1_QS_OFFSET + 16))));
}

@inline function q4_1Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const mask = i8x16.splat(0x0f);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q4_1_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_1_BLOCK_BYTES;
    const v = v128.load(x + Q4_1_QS_OFFSET);
    const sumi = codesDot(v128.and(v, mask), i8x16.shr_u(v, 4), y);
    sumf += blockTerm(sumi, f16ToF32(load<u16>(x + Q4_1_D_OFFSET)), f16ToF32(load<u16>(x + Q4_1_M_OFFSET)), y);
  }
  return sumf;
}

@inline function q5_1Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const mask = i8x16.splat(0x0f);
  const bit4 = i8x16.splat(0x10);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q5_1_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_1_BLOCK_BYTES;
    const qh = load<u32>(x + Q5_1_QH_OFFSET);
    const qs = v128.load(x + Q5_1_QS_OFFSET);
    const lo = v128.or(v128.and(qs, mask), v128.and(bitsToBytes16(qh), bit4));
    const hi = v128.or(i8x16.shr_u(qs, 4), v128.and(bitsToBytes16(qh >>> 16), bit4));
    sumf += blockTerm(codesDot(lo, hi, y), f16ToF32(load<u16>(x + Q5_1_D_OFFSET)), f16ToF32(load<u16>(x + Q5_1_M_OFFSET)), y);
  }
  return sumf;
}

@inline function prepare(y: usize, n: i32): usize {
  const yq = alloc(<usize>(n >>> 5) * Q8_1_BLOCK_BYTES);
  quantizeRowQ8_1(y, n, yq);
  return yq;
}

export function q4_1_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q4_1_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q4_1Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q5_1_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q5_1_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q5_1Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}
