/**
 * Dot (matrix · vector) for the ggml types whose activation partner is q8_0: q4_0, q5_0, q8_0, iq4_nl, mxfp4.
 * The activation row is quantized once (quantize-q8_0.ts), then every weight row runs ggml's vec_dot:
 * an exact integer dot per 32-element block, combined in float32 block by block, left to right, in the
 * operand order of the reference (the order of two float32 roundings matters, so each format keeps its own):
 *   q4_0:           sumf += (sumi·dx)·dy
 *   q8_0:           sumf += sumi·(dx·dy)
 *   q5_0, iq4_nl:   sumf += (dx·dy)·sumi
 *   mxfp4:          sumf += (dy·2^(e−128))·sumi
 * The result is therefore bit-identical to the reference dot, not merely within the spec's tolerance.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`:
 *   w:   rows × n/32 weight blocks, rows back to back
 *   y:   n float32 activations
 *   dst: rows float32 results
 *   scratch: n/32 q8_0 blocks, taken from the module's allocator and released before returning
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { bitsToBytes16, dotI8x16, hsum4, scales4, sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import {
  IQ4_NL_BLOCK_BYTES,
  IQ4_NL_D_OFFSET,
  IQ4_NL_KVALUES_IQ4NL,
  IQ4_NL_QS_OFFSET,
  MXFP4_BLOCK_BYTES,
  MXFP4_E_OFFSET,
  MXFP4_KVALUES_MXFP4,
  MXFP4_QS_OFFSET,
  Q4_0_BLOCK_BYTES,
  Q4_0_D_OFFSET,
  Q4_0_QS_OFFSET,
  Q5_0_BLOCK_BYTES,
  Q5_0_D_OFFSET,
  Q5_0_QH_OFFSET,
  Q5_0_QS_OFFSET,
  Q8_0_BLOCK_BYTES,
  Q8_0_D_OFFSET,
  Q8_0_QS_OFFSET,
} from './generated/constants';
import { e8m0Half } from './decode-legacy';
import { quantizeRowQ8_0 } from './quantize-q8_0';

/**
 * The activation scales dy, widened to f32 once per call (prepare() stores them after the q8_0 blocks):
 * every row reuses them, so each block converts one fp16 (its own d) instead of two.
 */
let dys: usize = 0;

@inline function yScaleOf(b: i32): f32 {
  return load<f32>(dys + (<usize>b << 2));
}

@inline function yScale(yq: usize): f32 {
  return f16ToF32(load<u16>(yq + Q8_0_D_OFFSET));
}

@inline function nibbleDot(lo: v128, hi: v128, yq: usize): i32 {
  return sumI32x4(i32x4.add(dotI8x16(lo, v128.load(yq + Q8_0_QS_OFFSET)), dotI8x16(hi, v128.load(yq + Q8_0_QS_OFFSET + 16))));
}

/** Σ of one block's 32 code products with its activation block, as i32x4 partial sums. */
@inline function nibbleDot4(lo: v128, hi: v128, yq: usize): v128 {
  return i32x4.add(dotI8x16(lo, v128.load(yq + Q8_0_QS_OFFSET)), dotI8x16(hi, v128.load(yq + Q8_0_QS_OFFSET + 16)));
}

@inline function q4_0Sums(x: usize, y: usize, mask: v128, eight: v128): v128 {
  const v = v128.load(x + Q4_0_QS_OFFSET);
  return nibbleDot4(i8x16.sub(v128.and(v, mask), eight), i8x16.sub(i8x16.shr_u(v, 4), eight), y);
}

@inline function q8_0Sums(x: usize, y: usize): v128 {
  return nibbleDot4(v128.load(x + Q8_0_QS_OFFSET), v128.load(x + Q8_0_QS_OFFSET + 16), y);
}

/**
 * q4_0 and q8_0 take four blocks at a time: the integer sums transposed into one vector (hsum4), the four
 * fp16 scales converted together (scales4, exact), the products formed lane by lane with the same two
 * float32 roundings per block as the scalar form, then added to sumf one block after the other.
 */
@inline function q4_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const eight = i8x16.splat(8);
  const mask = i8x16.splat(0x0f);
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const x = w + <usize>b * Q4_0_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const sumi = hsum4(
      q4_0Sums(x, y, mask, eight),
      q4_0Sums(x + Q4_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES, mask, eight),
      q4_0Sums(x + 2 * Q4_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES, mask, eight),
      q4_0Sums(x + 3 * Q4_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES, mask, eight),
    );
    const p = f32x4.mul(
      f32x4.mul(f32x4.convert_i32x4_s(sumi), scales4(x + Q4_0_D_OFFSET, Q4_0_BLOCK_BYTES)),
      v128.load(dys + (<usize>b << 2)),
    );
    sumf += f32x4.extract_lane(p, 0);
    sumf += f32x4.extract_lane(p, 1);
    sumf += f32x4.extract_lane(p, 2);
    sumf += f32x4.extract_lane(p, 3);
  }
  for (; b < blocks; b++) {
    const x = w + <usize>b * Q4_0_BLOCK_BYTES;
    const sumi = sumI32x4(q4_0Sums(x, yq + <usize>b * Q8_0_BLOCK_BYTES, mask, eight));
    sumf += (<f32>sumi * f16ToF32(load<u16>(x + Q4_0_D_OFFSET))) * yScaleOf(b);
  }
  return sumf;
}

@inline function q8_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const x = w + <usize>b * Q8_0_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const sumi = hsum4(
      q8_0Sums(x, y),
      q8_0Sums(x + Q8_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES),
      q8_0Sums(x + 2 * Q8_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES),
      q8_0Sums(x + 3 * Q8_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES),
    );
    // q8_0's order: sumi·(dx·dy)
    const p = f32x4.mul(
      f32x4.convert_i32x4_s(sumi),
      f32x4.mul(scales4(x + Q8_0_D_OFFSET, Q8_0_BLOCK_BYTES), v128.load(dys + (<usize>b << 2))),
    );
    sumf += f32x4.extract_lane(p, 0);
    sumf += f32x4.extract_lane(p, 1);
    sumf += f32x4.extract_lane(p, 2);
    sumf += f32x4.extract_lane(p, 3);
  }
  for (; b < blocks; b++) {
    const x = w + <usize>b * Q8_0_BLOCK_BYTES;
    const sumi = sumI32x4(q8_0Sums(x, yq + <usize>b * Q8_0_BLOCK_BYTES));
    sumf += <f32>sumi * (f16ToF32(load<u16>(x + Q8_0_D_OFFSET)) * yScaleOf(b));
  }
  return sumf;
}

@inline function q5_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const sixteen = i8x16.splat(16);
  const mask = i8x16.splat(0x0f);
  const bit4 = i8x16.splat(0x10);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * Q5_0_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const qh = load<u32>(x + Q5_0_QH_OFFSET);
    const qs = v128.load(x + Q5_0_QS_OFFSET);
    const lo = i8x16.sub(v128.or(v128.and(qs, mask), v128.and(bitsToBytes16(qh), bit4)), sixteen);
    const hi = i8x16.sub(v128.or(i8x16.shr_u(qs, 4), v128.and(bitsToBytes16(qh >>> 16), bit4)), sixteen);
    const sumi = nibbleDot(lo, hi, y);
    sumf += (f16ToF32(load<u16>(x + Q5_0_D_OFFSET)) * yScale(y)) * <f32>sumi;
  }
  return sumf;
}

@inline function iq4_nlRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const table = v128.load(IQ4_NL_KVALUES_IQ4NL);
  const mask = i8x16.splat(0x0f);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ4_NL_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const v = v128.load(x + IQ4_NL_QS_OFFSET);
    const sumi = nibbleDot(i8x16.swizzle(table, v128.and(v, mask)), i8x16.swizzle(table, i8x16.shr_u(v, 4)), y);
    sumf += (yScale(y) * f16ToF32(load<u16>(x + IQ4_NL_D_OFFSET))) * <f32>sumi;
  }
  return sumf;
}

@inline function mxfp4Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const table = v128.load(MXFP4_KVALUES_MXFP4);
  const mask = i8x16.splat(0x0f);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * MXFP4_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const v = v128.load(x + MXFP4_QS_OFFSET);
    const sumi = nibbleDot(i8x16.swizzle(table, v128.and(v, mask)), i8x16.swizzle(table, i8x16.shr_u(v, 4)), y);
    sumf += (yScale(y) * e8m0Half(<u32>load<u8>(x + MXFP4_E_OFFSET))) * <f32>sumi;
  }
  return sumf;
}

// One exported kernel per format; the row function is inlined into each loop.
@inline function prepare(y: usize, n: i32): usize {
  const blocks = n >>> 5;
  const yq = alloc(<usize>blocks * Q8_0_BLOCK_BYTES);
  quantizeRowQ8_0(y, n, yq);
  dys = alloc(<usize>blocks << 2);
  for (let b = 0; b < blocks; b++) store<f32>(dys + (<usize>b << 2), yScale(yq + <usize>b * Q8_0_BLOCK_BYTES));
  return yq;
}

export function q4_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q4_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q4_0Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q8_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q8_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q8_0Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function q5_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q5_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q5_0Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq4_nl_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * IQ4_NL_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq4_nlRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function mxfp4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * MXFP4_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), mxfp4Row(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}
