/**
 * Relaxed-SIMD variant of the q4_0·q8_0 dot (dot-q8_0-partner.ts), built into its own module with
 * `--enable relaxed-simd` (the wasm-relaxed-simd backend loads it only where the engine compiles relaxed
 * SIMD). i16x8.relaxed_dot_i8x16_i7x16_s multiplies signed bytes a by bytes b that must be 0..127 for the
 * result to be defined (x64 lowers it to pmaddubsw, b unsigned); q4_0 keeps b in that range, so its
 * integer block sums are exact on every engine and the float accumulation is the simd128 kernel's, left to
 * right: the results are bit-identical to the reference dot.
 *   q4_0: b = the unsigned nibble q (0..15), a = the activation code y:  Σ (q−8)·y = Σ q·y − 8·Σ y, with
 *         Σ y per activation block computed once per call. Each pmaddubsw lane is at most 2·15·127 in
 *         magnitude, so a block's two halves are added as int16 before the one pmaddwd that widens them.
 *   q8_0: the module exports the simd128 kernel itself (index.ts): with the activation widened to int16
 *         once per call, a block is four pmaddwd on sign-extending loads of the weight codes, fewer
 *         instructions than the relaxed form (|x| as the 7-bit operand needs y's sign moved onto x, and a
 *         −128 code, whose magnitude is not 7-bit, a separate exact path).
 * q4_0 takes four blocks at a time (integer sums transposed into one vector, the four fp16 scales converted
 * together, the products formed lane by lane) and adds the four products to the row sum one by one.
 * Memory map of `q4_0_dot(w, y, rows, n, dst)` as in dot-q8_0-partner.ts.
 */
import { f16ToF32 } from '../../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../../packages/runtime-wasm/assembly/memory';
import { dotI8x16, hsum4, scales4, sumI32x4 } from '../../../../packages/runtime-wasm/assembly/simd';
import { Q4_0_BLOCK_BYTES, Q4_0_D_OFFSET, Q4_0_QS_OFFSET, Q8_0_BLOCK_BYTES, Q8_0_D_OFFSET, Q8_0_QS_OFFSET } from '../generated/constants';
import { quantizeRowQ8_0 } from '../quantize-q8_0';

/** Per activation block: its scale widened to f32, and Σ of its 32 codes (q4_0's −8 offset). */
let dys: usize = 0;
let ysums: usize = 0;

@inline function prepare(y: usize, n: i32): usize {
  const blocks = n >>> 5;
  const yq = alloc(<usize>blocks * Q8_0_BLOCK_BYTES);
  quantizeRowQ8_0(y, n, yq);
  dys = alloc(<usize>blocks << 2);
  ysums = alloc(<usize>blocks << 2);
  const ones = i8x16.splat(1);
  for (let b = 0; b < blocks; b++) {
    const q = yq + <usize>b * Q8_0_BLOCK_BYTES;
    store<f32>(dys + (<usize>b << 2), f16ToF32(load<u16>(q + Q8_0_D_OFFSET)));
    const s = i32x4.add(dotI8x16(v128.load(q + Q8_0_QS_OFFSET), ones), dotI8x16(v128.load(q + Q8_0_QS_OFFSET + 16), ones));
    store<i32>(ysums + (<usize>b << 2), sumI32x4(s));
  }
  return yq;
}

/**
 * Σ q·y of one q4_0 block against its q8_0 activation block, as i32x4 partial sums: the two halves' pmaddubsw
 * int16 lanes added first (|lane| ≤ 4·15·127 fits int16), then one pmaddwd by ones.
 */
@inline function q4_0Block(x: usize, y: usize, mask: v128): v128 {
  const v = v128.load(x + Q4_0_QS_OFFSET);
  const p = i16x8.add(
    i16x8.relaxed_dot_i8x16_i7x16_s(v128.load(y + Q8_0_QS_OFFSET), v128.and(v, mask)),
    // high nibbles by an int16 shift and the same mask: V8 emulates the byte shift and rebuilds its mask
    i16x8.relaxed_dot_i8x16_i7x16_s(v128.load(y + Q8_0_QS_OFFSET + 16), v128.and(i16x8.shr_u(v, 4), mask)),
  );
  return i32x4.dot_i16x8_s(p, v128.load(ONES16));
}

/** 1 in every int16 lane, loaded where used (V8 rebuilds a splat constant in a loop with three instructions). */
const ONES16: usize = memory.data<u16>([1, 1, 1, 1, 1, 1, 1, 1], 16);

/** Four blocks' i32x4 sums of one row (two rows: q4_0Rows2), staged between the integer and the float part. */
const SUMS4: usize = memory.data(128, 16);

/**
 * Four blocks at a time: their integer sums and fp16 scales in one vector each, the products
 * (sumi·dx)·dy lane by lane (the same two float32 roundings per block as the scalar form), then added to
 * sumf one block after the other, left to right, as the reference does.
 */
@inline function q4_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const mask = i8x16.splat(0x0f);
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const x = w + <usize>b * Q4_0_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    // each block's sums go through scratch: the stores keep V8 from hoisting all four blocks' loads ahead
    // of their arithmetic (spills), as in the simd128 kernel
    v128.store(SUMS4, q4_0Block(x, y, mask));
    v128.store(SUMS4, q4_0Block(x + Q4_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES, mask), 16);
    v128.store(SUMS4, q4_0Block(x + 2 * Q4_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES, mask), 32);
    v128.store(SUMS4, q4_0Block(x + 3 * Q4_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES, mask), 48);
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
    const sumi = sumI32x4(q4_0Block(x, yq + <usize>b * Q8_0_BLOCK_BYTES, mask)) - 8 * load<i32>(ysums + (<usize>b << 2));
    sumf += (<f32>sumi * f16ToF32(load<u16>(x + Q4_0_D_OFFSET))) * load<f32>(dys + (<usize>b << 2));
  }
  return sumf;
}

/** q4_0Block of the same block in two rows, the activation loaded once: stored at SUMS4 + off and + 64 + off. */
@inline function q4_0Block2(x0: usize, x1: usize, y: usize, mask: v128, off: usize): void {
  const y0 = v128.load(y + Q8_0_QS_OFFSET);
  const y1 = v128.load(y + Q8_0_QS_OFFSET + 16);
  const ones = v128.load(ONES16);
  const v = v128.load(x0 + Q4_0_QS_OFFSET);
  const p = i16x8.add(
    i16x8.relaxed_dot_i8x16_i7x16_s(y0, v128.and(v, mask)),
    i16x8.relaxed_dot_i8x16_i7x16_s(y1, v128.and(i16x8.shr_u(v, 4), mask)),
  );
  v128.store(SUMS4 + off, i32x4.dot_i16x8_s(p, ones));
  const u = v128.load(x1 + Q4_0_QS_OFFSET);
  const q = i16x8.add(
    i16x8.relaxed_dot_i8x16_i7x16_s(y0, v128.and(u, mask)),
    i16x8.relaxed_dot_i8x16_i7x16_s(y1, v128.and(i16x8.shr_u(u, 4), mask)),
  );
  v128.store(SUMS4 + 64 + off, i32x4.dot_i16x8_s(q, ones));
}

/** q4_0 products of four blocks of one row from their staged sums (at SUMS4 + off): (sumi·dx)·dy per lane. */
@inline function q4_0Products(off: usize, x: usize, b: i32): v128 {
  const at = SUMS4 + off;
  const s = hsum4(v128.load(at), v128.load(at, 16), v128.load(at, 32), v128.load(at, 48));
  const sumi = i32x4.sub(s, i32x4.shl(v128.load(ysums + (<usize>b << 2)), 3));
  return f32x4.mul(f32x4.mul(f32x4.convert_i32x4_s(sumi), scales4(x + Q4_0_D_OFFSET, Q4_0_BLOCK_BYTES)), v128.load(dys + (<usize>b << 2)));
}

/**
 * Two weight rows against the same activation (as the simd128 q8_0 kernel): each activation block loaded
 * once for both, two independent float chains, each row's sum in the reference's order (q4_0Row's value
 * bit for bit). Results at dst0 and dst1.
 */
@inline function q4_0Rows2(w0: usize, w1: usize, yq: usize, blocks: i32, dst0: usize, dst1: usize): void {
  let s0: f32 = 0;
  let s1: f32 = 0;
  const mask = i8x16.splat(0x0f);
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const o = <usize>b * Q4_0_BLOCK_BYTES;
    const x0 = w0 + o;
    const x1 = w1 + o;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    q4_0Block2(x0, x1, y, mask, 0);
    q4_0Block2(x0 + Q4_0_BLOCK_BYTES, x1 + Q4_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES, mask, 16);
    q4_0Block2(x0 + 2 * Q4_0_BLOCK_BYTES, x1 + 2 * Q4_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES, mask, 32);
    q4_0Block2(x0 + 3 * Q4_0_BLOCK_BYTES, x1 + 3 * Q4_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES, mask, 48);
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
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const off8 = 8 * load<i32>(ysums + (<usize>b << 2));
    const dy = load<f32>(dys + (<usize>b << 2));
    s0 += (<f32>(sumI32x4(q4_0Block(w0 + o, y, mask)) - off8) * f16ToF32(load<u16>(w0 + o + Q4_0_D_OFFSET))) * dy;
    s1 += (<f32>(sumI32x4(q4_0Block(w1 + o, y, mask)) - off8) * f16ToF32(load<u16>(w1 + o + Q4_0_D_OFFSET))) * dy;
  }
  store<f32>(dst0, s0);
  store<f32>(dst1, s1);
}

export function q4_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 5;
  const rowBytes = <usize>blocks * Q4_0_BLOCK_BYTES;
  // row r is paired with row r + half, not r + 1: two streams each ascending through its own pages, which
  // the hardware prefetchers follow; rows r and r + 1 interleaved jump back and forth inside each 4 KiB
  // page, and once the matrix no longer fit in cache that ran 2-4 times slower than one row at a time
  const half = rows >> 1;
  for (let r = 0; r < half; r++) {
    const r1 = r + half;
    q4_0Rows2(w + <usize>r * rowBytes, w + <usize>r1 * rowBytes, yq, blocks, dst + (<usize>r << 2), dst + (<usize>r1 << 2));
  }
  if (rows & 1) store<f32>(dst + (<usize>(rows - 1) << 2), q4_0Row(w + <usize>(rows - 1) * rowBytes, yq, blocks));
  release(m);
}
