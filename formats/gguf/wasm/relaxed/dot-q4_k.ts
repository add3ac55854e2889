/**
 * Relaxed-SIMD q4_k·q8_k dot. The q4_k codes are unsigned nibbles (0..15), so they are the 7-bit operand b
 * of i16x8.relaxed_dot_i8x16_i7x16_s and the q8_k activation codes the signed a: defined, hence exact, on every
 * engine, and one instruction per 16 products where the simd128 kernel (dot-q8_k-partner.ts, q4_kRow) widens
 * to int16 and multiplies. Per sub-block of 32: two relaxed dots folded into eight int16 lanes
 * (|lane| ≤ 4·15·128), one dot_i16x8_s against the sub-block's 6-bit scale; the min term and the float
 * accumulation are the simd128 kernel's (one float32x4 accumulator, integer sums finished per block in
 * int32, lanes joined at the end). The int32 lanes hold other partial sums than the simd128 kernel's, so the
 * result differs from it by float rounding only: held to the spec's tolerance.dot, like the simd128 q4_k.
 * Memory map of `q4_k_dot(w, y, rows, n, dst)` as in dot-q8_k-partner.ts.
 */
import { alloc, mark, release } from '../../../../packages/runtime-wasm/assembly/memory';
import { f16x4ToF32 } from '../../../../packages/runtime-wasm/assembly/simd';
import {
  Q4_K_BLOCK_BYTES,
  Q4_K_D_OFFSET,
  Q4_K_QS_OFFSET,
  Q4_K_SCALES_OFFSET,
  Q8_K_BLOCK_BYTES,
  Q8_K_D_OFFSET,
  Q8_K_QS_OFFSET,
} from '../generated/constants';
import { bsumPairs } from '../dot-q8_k-partner';
import { k4ScalesMins } from '../kquant-scales';
import { quantizeRowQ8_K } from '../quantize-q8_k';

/** Σ of the products of 32 nibbles (16 bytes lo/hi chosen by the caller, two loads) with 32 q8 codes, in int16 lanes. */
@inline function sub32(n0: v128, n1: v128, y: usize): v128 {
  return i16x8.add(
    i16x8.relaxed_dot_i8x16_i7x16_s(v128.load(y), n0),
    i16x8.relaxed_dot_i8x16_i7x16_s(v128.load(y, 16), n1),
  );
}

/**
 * Per-block staging in memory: the eight 6-bit scales as int16 (each chunk broadcasts its two with a
 * load16_splat, one instruction, where a register shuffle took two) and the four chunks' int32 sums. The
 * stores keep V8 from hoisting all four chunks' loads ahead of their arithmetic: with every load first, the
 * live registers ran out and V8 spilled most of them (and the accumulator) to the stack.
 */
const STAGE: usize = memory.data(96, 16);
const SCALES: usize = STAGE;
const SUMS: usize = STAGE + 16;

/** 0x0f in every byte, loaded where used (V8 rebuilds a splat constant in a loop with three instructions). */
const LOW_NIBBLES: usize = STAGE + 80;

/** One 32-byte qs chunk c against its 64 q8 codes: both sub-blocks' scaled sums as int32 partial sums (exact), stored. */
@inline function chunk(qs: usize, y: usize, c: i32): void {
  const mask = v128.load(LOW_NIBBLES);
  const q0 = v128.load(qs);
  const q1 = v128.load(qs, 16);
  const lo = sub32(v128.and(q0, mask), v128.and(q1, mask), y);
  // high nibbles by an int16 shift and the same mask: V8 emulates the byte shift and rebuilds its mask
  const hi = sub32(v128.and(i16x8.shr_u(q0, 4), mask), v128.and(i16x8.shr_u(q1, 4), mask), y + 32);
  const s = i32x4.add(
    i32x4.dot_i16x8_s(lo, v128.load16_splat(SCALES + 4 * c)),
    i32x4.dot_i16x8_s(hi, v128.load16_splat(SCALES + 4 * c + 2)),
  );
  v128.store(SUMS + 16 * c, s);
}

@inline function q4_kRow(w: usize, yq: usize, pairs: usize, blocks: i32): f32 {
  let acc = f32x4.splat(0);
  v128.store(LOW_NIBBLES, i8x16.splat(0x0f));
  // pointers stepped per block (V8 does not strength-reduce b·BLOCK_BYTES: an imul each)
  let x = w;
  let yb = yq;
  let pb = pairs;
  for (let b = 0; b < blocks; b++) {
    const sm = k4ScalesMins(x + Q4_K_SCALES_OFFSET);
    v128.store(SCALES, i16x8.extend_low_i8x16_u(sm));
    const qs = x + Q4_K_QS_OFFSET;
    const y = yb + Q8_K_QS_OFFSET;
    // chunk c: 32 bytes of qs; low nibbles are sub-block 2c (y codes 64c..64c+31), high ones 2c+1, each
    // against its 6-bit scale (int16 2c, 2c+1 of SCALES) repeated in every lane
    chunk(qs, y, 0);
    chunk(qs + 32, y + 64, 1);
    chunk(qs + 64, y + 128, 2);
    chunk(qs + 96, y + 192, 3);
    const isum = i32x4.add(i32x4.add(v128.load(SUMS), v128.load(SUMS, 16)), i32x4.add(v128.load(SUMS, 32), v128.load(SUMS, 48)));
    // d and dmin (adjacent fp16: Q4_K_DMIN_OFFSET = Q4_K_D_OFFSET + 2) converted together, branch-free and exact (f16x4ToF32), times dy: the same
    // float32 products d·dy, dmin·dy as the scalar form, in lanes 0 and 1
    const dd = f32x4.mul(f16x4ToF32(i32x4.extend_low_i16x8_u(v128.load32_zero(x + Q4_K_D_OFFSET))), v128.load32_splat(yb + Q8_K_D_OFFSET));
    const msum = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(sm), v128.load(pb));
    acc = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(isum), i32x4.shuffle(dd, dd, 0, 0, 0, 0)));
    acc = f32x4.sub(acc, f32x4.mul(f32x4.convert_i32x4_s(msum), i32x4.shuffle(dd, dd, 1, 1, 1, 1)));
    x += Q4_K_BLOCK_BYTES;
    yb += Q8_K_BLOCK_BYTES;
    pb += 16;
  }
  return f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

/** The second row's scales and chunk sums in q4_kRows2 (the first row's are SCALES and SUMS). */
const STAGE1: usize = memory.data(80, 16);
const SCALES1: usize = STAGE1;
const SUMS1: usize = STAGE1 + 16;

/** One row's chunk c from its qs bytes q0, q1 and the chunk's activation codes y0..y3, stored at sums + 16c. */
@inline function rowChunk(q0: v128, q1: v128, y0: v128, y1: v128, y2: v128, y3: v128, mask: v128, sc: usize, sums: usize, c: i32): void {
  const lo = i16x8.add(i16x8.relaxed_dot_i8x16_i7x16_s(y0, v128.and(q0, mask)), i16x8.relaxed_dot_i8x16_i7x16_s(y1, v128.and(q1, mask)));
  const hi = i16x8.add(
    i16x8.relaxed_dot_i8x16_i7x16_s(y2, v128.and(i16x8.shr_u(q0, 4), mask)),
    i16x8.relaxed_dot_i8x16_i7x16_s(y3, v128.and(i16x8.shr_u(q1, 4), mask)),
  );
  v128.store(sums + 16 * c, i32x4.add(i32x4.dot_i16x8_s(lo, v128.load16_splat(sc + 4 * c)), i32x4.dot_i16x8_s(hi, v128.load16_splat(sc + 4 * c + 2))));
}

/** chunk() for the same block of two rows, the 64 activation codes loaded once. */
@inline function chunk2(qs0: usize, qs1: usize, y: usize, c: i32): void {
  const mask = v128.load(LOW_NIBBLES);
  const y0 = v128.load(y);
  const y1 = v128.load(y, 16);
  const y2 = v128.load(y, 32);
  const y3 = v128.load(y, 48);
  rowChunk(v128.load(qs0), v128.load(qs0, 16), y0, y1, y2, y3, mask, SCALES, SUMS, c);
  rowChunk(v128.load(qs1), v128.load(qs1, 16), y0, y1, y2, y3, mask, SCALES1, SUMS1, c);
}

/** One row's block finished from its staged chunk sums: acc + (d·dy)·Σ(scale·sums) − (dmin·dy)·Σ(min·bsums). */
@inline function finishBlock(acc: v128, x: usize, yb: usize, pb: usize, sm: v128, sums: usize): v128 {
  const isum = i32x4.add(i32x4.add(v128.load(sums), v128.load(sums, 16)), i32x4.add(v128.load(sums, 32), v128.load(sums, 48)));
  const dd = f32x4.mul(f16x4ToF32(i32x4.extend_low_i16x8_u(v128.load32_zero(x + Q4_K_D_OFFSET))), v128.load32_splat(yb + Q8_K_D_OFFSET));
  const msum = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_u(sm), v128.load(pb));
  const a = f32x4.add(acc, f32x4.mul(f32x4.convert_i32x4_s(isum), i32x4.shuffle(dd, dd, 0, 0, 0, 0)));
  return f32x4.sub(a, f32x4.mul(f32x4.convert_i32x4_s(msum), i32x4.shuffle(dd, dd, 1, 1, 1, 1)));
}

/**
 * Two weight rows against the same activation: each chunk's activation codes loaded once for both (chunk2),
 * each row with its own accumulator and exactly q4_kRow's arithmetic (so each result equals q4_kRow's).
 * Results at dst0 and dst1.
 */
@inline function q4_kRows2(w0: usize, w1: usize, yq: usize, pairs: usize, blocks: i32, dst0: usize, dst1: usize): void {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  v128.store(LOW_NIBBLES, i8x16.splat(0x0f));
  let x0 = w0;
  let x1 = w1;
  let yb = yq;
  let pb = pairs;
  for (let b = 0; b < blocks; b++) {
    const sm0 = k4ScalesMins(x0 + Q4_K_SCALES_OFFSET);
    const sm1 = k4ScalesMins(x1 + Q4_K_SCALES_OFFSET);
    v128.store(SCALES, i16x8.extend_low_i8x16_u(sm0));
    v128.store(SCALES1, i16x8.extend_low_i8x16_u(sm1));
    const qs0 = x0 + Q4_K_QS_OFFSET;
    const qs1 = x1 + Q4_K_QS_OFFSET;
    const y = yb + Q8_K_QS_OFFSET;
    chunk2(qs0, qs1, y, 0);
    chunk2(qs0 + 32, qs1 + 32, y + 64, 1);
    chunk2(qs0 + 64, qs1 + 64, y + 128, 2);
    chunk2(qs0 + 96, qs1 + 96, y + 192, 3);
    acc0 = finishBlock(acc0, x0, yb, pb, sm0, SUMS);
    acc1 = finishBlock(acc1, x1, yb, pb, sm1, SUMS1);
    x0 += Q4_K_BLOCK_BYTES;
    x1 += Q4_K_BLOCK_BYTES;
    yb += Q8_K_BLOCK_BYTES;
    pb += 16;
  }
  store<f32>(dst0, f32x4.extract_lane(acc0, 0) + f32x4.extract_lane(acc0, 1) + (f32x4.extract_lane(acc0, 2) + f32x4.extract_lane(acc0, 3)));
  store<f32>(dst1, f32x4.extract_lane(acc1, 0) + f32x4.extract_lane(acc1, 1) + (f32x4.extract_lane(acc1, 2) + f32x4.extract_lane(acc1, 3)));
}

export function q4_k_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const blocks = n >>> 8;
  const yq = alloc(<usize>blocks * Q8_K_BLOCK_BYTES);
  quantizeRowQ8_K(y, n, yq);
  const pairs = alloc(<usize>blocks << 4);
  bsumPairs(yq, blocks, pairs);
  const rowBytes = <usize>blocks * Q4_K_BLOCK_BYTES;
  // row r is paired with row r + half, not r + 1: two streams each ascending through its own pages, which
  // the hardware prefetchers follow; rows r and r + 1 interleaved jump back and forth inside each 4 KiB
  // page, and once the matrix no longer fit in cache that ran 2-4 times slower than one row at a time
  const half = rows >> 1;
  for (let r = 0; r < half; r++) {
    const r1 = r + half;
    q4_kRows2(w + <usize>r * rowBytes, w + <usize>r1 * rowBytes, yq, pairs, blocks, dst + (<usize>r << 2), dst + (<usize>r1 << 2));
  }
  if (rows & 1) store<f32>(dst + (<usize>(rows - 1) << 2), q4_kRow(w + <usize>(rows - 1) * rowBytes, yq, pairs, blocks));
  release(m);
}
