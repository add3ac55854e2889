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
 * q4_0 and q8_0 take their integer sums from the activation widened to int16 once per call (widenQ8_0) and
 * run the weight rows in pairs (row r with row r + rows/2, see q8_0_dot), each row's sum its own chain.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`:
 *   w:   rows × n/32 weight blocks, rows back to back
 *   y:   n float32 activations
 *   dst: rows float32 results
 *   scratch: n/32 q8_0 blocks and their n/32 float32 scales (q4_0, q8_0: plus the int16 activation, 2n
 *            bytes; q4_0: plus n/32 int32 code sums), taken from the module's allocator and released
 *            before returning
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

/** Σ of each activation block's 32 codes (q4_0's −8 offset), once per call (blockSums). */
let ysums: usize = 0;

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

/**
 * The q8_0 activation codes widened to int16 once per call, 64 bytes per block at y16, so every weight row
 * multiplies them with i32x4.dot_i16x8_s (one pmaddwd, a memory operand for y) instead of widening both
 * operands per row. Natural order for q8_0 (its weight codes widen with a sign-extending load); for q4_0
 * (`evenOdd`) each 16 codes are stored as their 8 even-indexed then their 8 odd-indexed values, the order in
 * which q4_0Sums splits a weight byte pair read as one int16 lane. |y| ≤ 127, |x| ≤ 128: every pmaddwd
 * lane (two products) and the block sum are exact in int32, so the block sums are the reference's.
 */
export function widenQ8_0(yq: usize, blocks: i32, y16: usize, evenOdd: bool): void {
  for (let b = 0; b < blocks; b++) {
    const q = yq + <usize>b * Q8_0_BLOCK_BYTES + Q8_0_QS_OFFSET;
    const dst = y16 + (<usize>b << 6);
    if (evenOdd) {
      const c0 = v128.load(q);
      const c1 = v128.load(q, 16);
      v128.store(dst, i16x8.shr_s(i16x8.shl(c0, 8), 8));
      v128.store(dst, i16x8.shr_s(c0, 8), 16);
      v128.store(dst, i16x8.shr_s(i16x8.shl(c1, 8), 8), 32);
      v128.store(dst, i16x8.shr_s(c1, 8), 48);
    } else {
      v128.store(dst, v128.load8x8_s(q));
      v128.store(dst, v128.load8x8_s(q, 8), 16);
      v128.store(dst, v128.load8x8_s(q, 16), 32);
      v128.store(dst, v128.load8x8_s(q, 24), 48);
    }
  }
}

/** Four blocks' i32x4 sums, staged between the integer and the float part of q4_0Row and q8_0Row. */
const SUMS4: usize = memory.data(128, 16);

/** 0x000f in every int16 lane, loaded where used (a load is one instruction, a rebuilt constant more). */
const LOW_NIBBLES16: usize = memory.data<u16>([0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f], 16);

/**
 * Σ q·y of one q4_0 block (q the unsigned nibble, 0..15; the −8 is applied per block by the caller from
 * Σ y) as i32x4 partial sums: each weight byte pair read as one int16 lane and split by constant int16
 * shifts and a mask into the low and high nibbles of its even and odd byte (native shifts, no widening),
 * against the even/odd-ordered widened activation (widenQ8_0).
 */
@inline function q4_0Sums(x: usize, y16: usize): v128 {
  const mask = v128.load(LOW_NIBBLES16);
  const v = v128.load(x + Q4_0_QS_OFFSET);
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.and(v, mask), v128.load(y16)), i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(v, 8), mask), v128.load(y16, 16))),
    i32x4.add(i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(v, 4), mask), v128.load(y16, 32)), i32x4.dot_i16x8_s(i16x8.shr_u(v, 12), v128.load(y16, 48))),
  );
}

/** Σ x·y of one q8_0 block as i32x4 partial sums: weight codes sign-extended by their loads, y pre-widened. */
@inline function q8_0Sums(x: usize, y16: usize): v128 {
  const q = x + Q8_0_QS_OFFSET;
  return i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(q), v128.load(y16)), i32x4.dot_i16x8_s(v128.load8x8_s(q, 8), v128.load(y16, 16))),
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(q, 16), v128.load(y16, 32)), i32x4.dot_i16x8_s(v128.load8x8_s(q, 24), v128.load(y16, 48))),
  );
}

/**
 * q4_0 and q8_0 take four blocks at a time: the integer sums transposed into one vector (hsum4), the four
 * fp16 scales converted together (scales4, exact), the products formed lane by lane with the same two
 * float32 roundings per block as the scalar form, then added to sumf one block after the other. The integer
 * sums come from the int16-widened activation (widenQ8_0): q4_0's Σ(q − 8)·y as Σ q·y − 8·Σ y, with Σ y per
 * activation block computed once per call (ysums), exact in int32.
 */
@inline function q4_0Row(w: usize, y16: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const x = w + <usize>b * Q4_0_BLOCK_BYTES;
    const y = y16 + (<usize>b << 6);
    // each block's sums go through scratch: the stores keep V8 from hoisting all four blocks' loads ahead
    // of their arithmetic (too many live registers: spills, and sumf itself went to the stack)
    v128.store(SUMS4, q4_0Sums(x, y));
    v128.store(SUMS4, q4_0Sums(x + Q4_0_BLOCK_BYTES, y + 64), 16);
    v128.store(SUMS4, q4_0Sums(x + 2 * Q4_0_BLOCK_BYTES, y + 128), 32);
    v128.store(SUMS4, q4_0Sums(x + 3 * Q4_0_BLOCK_BYTES, y + 192), 48);
    const s = hsum4(v128.load(SUMS4), v128.load(SUMS4, 16), v128.load(SUMS4, 32), v128.load(SUMS4, 48));
    const sumi = i32x4.sub(s, i32x4.shl(v128.load(ysums + (<usize>b << 2)), 3));
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
    const sumi = sumI32x4(q4_0Sums(x, y16 + (<usize>b << 6))) - 8 * load<i32>(ysums + (<usize>b << 2));
    sumf += (<f32>sumi * f16ToF32(load<u16>(x + Q4_0_D_OFFSET))) * yScaleOf(b);
  }
  return sumf;
}

@inline function q8_0Row(w: usize, y16: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  let b = 0;
  // pointers stepped per four blocks (V8 does not strength-reduce b·BLOCK_BYTES: an imul each)
  let x = w;
  let y = y16;
  let dy = dys;
  for (; b + 4 <= blocks; b += 4) {
    // through scratch, as in q4_0Row
    v128.store(SUMS4, q8_0Sums(x, y));
    v128.store(SUMS4, q8_0Sums(x + Q8_0_BLOCK_BYTES, y + 64), 16);
    v128.store(SUMS4, q8_0Sums(x + 2 * Q8_0_BLOCK_BYTES, y + 128), 32);
    v128.store(SUMS4, q8_0Sums(x + 3 * Q8_0_BLOCK_BYTES, y + 192), 48);
    const sumi = hsum4(v128.load(SUMS4), v128.load(SUMS4, 16), v128.load(SUMS4, 32), v128.load(SUMS4, 48));
    // q8_0's order: sumi·(dx·dy)
    const p = f32x4.mul(f32x4.convert_i32x4_s(sumi), f32x4.mul(scales4(x + Q8_0_D_OFFSET, Q8_0_BLOCK_BYTES), v128.load(dy)));
    sumf += f32x4.extract_lane(p, 0);
    sumf += f32x4.extract_lane(p, 1);
    sumf += f32x4.extract_lane(p, 2);
    sumf += f32x4.extract_lane(p, 3);
    x += 4 * Q8_0_BLOCK_BYTES;
    y += 256;
    dy += 16;
  }
  for (; b < blocks; b++) {
    const xb = w + <usize>b * Q8_0_BLOCK_BYTES;
    const sumi = sumI32x4(q8_0Sums(xb, y16 + (<usize>b << 6)));
    sumf += <f32>sumi * (f16ToF32(load<u16>(xb + Q8_0_D_OFFSET)) * yScaleOf(b));
  }
  return sumf;
}

/** q4_0Sums of the same block in two rows, the activation loaded once: stored at SUMS4 + off and + 64 + off. */
@inline function q4_0Sums2(x0: usize, x1: usize, y16: usize, off: usize): void {
  const mask = v128.load(LOW_NIBBLES16);
  const y0 = v128.load(y16);
  const y1 = v128.load(y16, 16);
  const y2 = v128.load(y16, 32);
  const y3 = v128.load(y16, 48);
  const v = v128.load(x0 + Q4_0_QS_OFFSET);
  v128.store(SUMS4 + off, i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.and(v, mask), y0), i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(v, 8), mask), y1)),
    i32x4.add(i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(v, 4), mask), y2), i32x4.dot_i16x8_s(i16x8.shr_u(v, 12), y3)),
  ));
  const u = v128.load(x1 + Q4_0_QS_OFFSET);
  v128.store(SUMS4 + 64 + off, i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.and(u, mask), y0), i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(u, 8), mask), y1)),
    i32x4.add(i32x4.dot_i16x8_s(v128.and(i16x8.shr_u(u, 4), mask), y2), i32x4.dot_i16x8_s(i16x8.shr_u(u, 12), y3)),
  ));
}

/** q4_0 products of four blocks of one row from their staged sums (at SUMS4 + off): (sumi·dx)·dy per lane. */
@inline function q4_0Products(off: usize, x: usize, b: i32): v128 {
  const at = SUMS4 + off;
  const s = hsum4(v128.load(at), v128.load(at, 16), v128.load(at, 32), v128.load(at, 48));
  const sumi = i32x4.sub(s, i32x4.shl(v128.load(ysums + (<usize>b << 2)), 3));
  return f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(sumi), scales4(x + Q4_0_D_OFFSET, Q4_0_BLOCK_BYTES)), v128.load(dys + (<usize>b << 2)));
}

/** q4_0Row of two rows at once, as q8_0Rows2 (each result bit-identical to q4_0Row's). Results at dst0, dst1. */
@inline function q4_0Rows2(w0: usize, w1: usize, y16: usize, blocks: i32, dst0: usize, dst1: usize): void {
  let s0: f32 = 0;
  let s1: f32 = 0;
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const o = <usize>b * Q4_0_BLOCK_BYTES;
    const x0 = w0 + o;
    const x1 = w1 + o;
    const y = y16 + (<usize>b << 6);
    q4_0Sums2(x0, x1, y, 0);
    q4_0Sums2(x0 + Q4_0_BLOCK_BYTES, x1 + Q4_0_BLOCK_BYTES, y + 64, 16);
    q4_0Sums2(x0 + 2 * Q4_0_BLOCK_BYTES, x1 + 2 * Q4_0_BLOCK_BYTES, y + 128, 32);
    q4_0Sums2(x0 + 3 * Q4_0_BLOCK_BYTES, x1 + 3 * Q4_0_BLOCK_BYTES, y + 192, 48);
    const p0 = q4_0Products(0, x0, b);
    const p1 = q4_0Products(64, x1, b);
    s0 += f32x4.extract_lane(p0, 0);
    s1 += f32x4.extract_lane(p1, 0);
    s0 += f32x4.extract_lane(p0, 1);
    s1 += f32x4.extract_lane(p1, 1);
    s0 += f32x4.extract_lane(p0, 2);
    s1 += f32x4.extract_lane(p1, 2);
    s0 += f32x4.extract_lane(p0, 3);
    s1 += f32x4.extract_lane(p1, 3);
  }
  for (; b < blocks; b++) {
    const o = <usize>b * Q4_0_BLOCK_BYTES;
    const yb = y16 + (<usize>b << 6);
    const off8 = 8 * load<i32>(ysums + (<usize>b << 2));
    s0 += (<f32>(sumI32x4(q4_0Sums(w0 + o, yb)) - off8) * f16ToF32(load<u16>(w0 + o + Q4_0_D_OFFSET))) * yScaleOf(b);
    s1 += (<f32>(sumI32x4(q4_0Sums(w1 + o, yb)) - off8) * f16ToF32(load<u16>(w1 + o + Q4_0_D_OFFSET))) * yScaleOf(b);
  }
  store<f32>(dst0, s0);
  store<f32>(dst1, s1);
}

/** q8_0Sums of the same block in two rows, the activation loaded once: stored at SUMS4 + off and + 64 + off. */
@inline function q8_0Sums2(x0: usize, x1: usize, y16: usize, off: usize): void {
  const a = x0 + Q8_0_QS_OFFSET;
  const b = x1 + Q8_0_QS_OFFSET;
  const y0 = v128.load(y16);
  const y1 = v128.load(y16, 16);
  const y2 = v128.load(y16, 32);
  const y3 = v128.load(y16, 48);
  v128.store(SUMS4 + off, i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(a), y0), i32x4.dot_i16x8_s(v128.load8x8_s(a, 8), y1)),
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(a, 16), y2), i32x4.dot_i16x8_s(v128.load8x8_s(a, 24), y3)),
  ));
  v128.store(SUMS4 + 64 + off, i32x4.add(
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(b), y0), i32x4.dot_i16x8_s(v128.load8x8_s(b, 8), y1)),
    i32x4.add(i32x4.dot_i16x8_s(v128.load8x8_s(b, 16), y2), i32x4.dot_i16x8_s(v128.load8x8_s(b, 24), y3)),
  ));
}

/** q8_0 products of four blocks from their staged integer sums (at SUMS4 + off), in q8_0's order sumi·(dx·dy). */
@inline function q8_0Products(off: usize, x: usize, dy: usize): v128 {
  const at = SUMS4 + off;
  const sumi = hsum4(v128.load(at), v128.load(at, 16), v128.load(at, 32), v128.load(at, 48));
  return f32x4.mul(f32x4.convert_i32x4_s(sumi), f32x4.mul(scales4(x + Q8_0_D_OFFSET, Q8_0_BLOCK_BYTES), v128.load(dy)));
}

/**
 * Two weight rows against the same activation, each with its own sum in the reference's order (so each is
 * q8_0Row's value bit for bit): the widened activation is loaded once for both, and the two sums are
 * independent chains of float adds. Results at dst0 and dst1.
 */
@inline function q8_0Rows2(w0: usize, w1: usize, y16: usize, blocks: i32, dst0: usize, dst1: usize): void {
  let s0: f32 = 0;
  let s1: f32 = 0;
  let b = 0;
  let x0 = w0;
  let x1 = w1;
  let y = y16;
  let dy = dys;
  for (; b + 4 <= blocks; b += 4) {
    q8_0Sums2(x0, x1, y, 0);
    q8_0Sums2(x0 + Q8_0_BLOCK_BYTES, x1 + Q8_0_BLOCK_BYTES, y + 64, 16);
    q8_0Sums2(x0 + 2 * Q8_0_BLOCK_BYTES, x1 + 2 * Q8_0_BLOCK_BYTES, y + 128, 32);
    q8_0Sums2(x0 + 3 * Q8_0_BLOCK_BYTES, x1 + 3 * Q8_0_BLOCK_BYTES, y + 192, 48);
    const p0 = q8_0Products(0, x0, dy);
    const p1 = q8_0Products(64, x1, dy);
    s0 += f32x4.extract_lane(p0, 0);
    s1 += f32x4.extract_lane(p1, 0);
    s0 += f32x4.extract_lane(p0, 1);
    s1 += f32x4.extract_lane(p1, 1);
    s0 += f32x4.extract_lane(p0, 2);
    s1 += f32x4.extract_lane(p1, 2);
    s0 += f32x4.extract_lane(p0, 3);
    s1 += f32x4.extract_lane(p1, 3);
    x0 += 4 * Q8_0_BLOCK_BYTES;
    x1 += 4 * Q8_0_BLOCK_BYTES;
    y += 256;
    dy += 16;
  }
  for (; b < blocks; b++) {
    const o = <usize>b * Q8_0_BLOCK_BYTES;
    const yb = y16 + (<usize>b << 6);
    s0 += <f32>sumI32x4(q8_0Sums(w0 + o, yb)) * (f16ToF32(load<u16>(w0 + o + Q8_0_D_OFFSET)) * yScaleOf(b));
    s1 += <f32>sumI32x4(q8_0Sums(w1 + o, yb)) * (f16ToF32(load<u16>(w1 + o + Q8_0_D_OFFSET)) * yScaleOf(b));
  }
  store<f32>(dst0, s0);
  store<f32>(dst1, s1);
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

/** Σ of each activation block's 32 codes, once per call, for q4_0's −8 offset (exact in int32). */
export function blockSums(yq: usize, blocks: i32, sums: usize): void {
  const ones = i8x16.splat(1);
  for (let b = 0; b < blocks; b++) {
    const q = yq + <usize>b * Q8_0_BLOCK_BYTES + Q8_0_QS_OFFSET;
    store<i32>(sums + (<usize>b << 2), sumI32x4(i32x4.add(dotI8x16(v128.load(q), ones), dotI8x16(v128.load(q, 16), ones))));
  }
}


export function q4_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const y16 = alloc(<usize>blocks << 6);
  widenQ8_0(yq, blocks, y16, true);
  ysums = alloc(<usize>blocks << 2);
  blockSums(yq, blocks, ysums);
  const rowBytes = <usize>blocks * Q4_0_BLOCK_BYTES;
  // row r is paired with row r + half, not r + 1: two streams each ascending through its own pages, which
  // the hardware prefetchers follow; rows r and r + 1 interleaved jump back and forth inside each 4 KiB
  // page, and once the matrix no longer fit in cache that ran 2-4 times slower than one row at a time
  const half = rows >> 1;
  for (let r = 0; r < half; r++) {
    const r1 = r + half;
    q4_0Rows2(w + <usize>r * rowBytes, w + <usize>r1 * rowBytes, y16, blocks, dst + (<usize>r << 2), dst + (<usize>r1 << 2));
  }
  if (rows & 1) store<f32>(dst + (<usize>(rows - 1) << 2), q4_0Row(w + <usize>(rows - 1) * rowBytes, y16, blocks));
  release(m);
}

export function q8_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const y16 = alloc(<usize>blocks << 6);
  widenQ8_0(yq, blocks, y16, false);
  const rowBytes = <usize>blocks * Q8_0_BLOCK_BYTES;
  // row r is paired with row r + half, not r + 1: two streams each ascending through its own pages, which
  // the hardware prefetchers follow; rows r and r + 1 interleaved jump back and forth inside each 4 KiB
  // page, and once the matrix no longer fit in cache that ran 2-4 times slower than one row at a time
  const half = rows >> 1;
  for (let r = 0; r < half; r++) {
    const r1 = r + half;
    q8_0Rows2(w + <usize>r * rowBytes, w + <usize>r1 * rowBytes, y16, blocks, dst + (<usize>r << 2), dst + (<usize>r1 << 2));
  }
  if (rows & 1) store<f32>(dst + (<usize>(rows - 1) << 2), q8_0Row(w + <usize>(rows - 1) * rowBytes, y16, blocks));
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
