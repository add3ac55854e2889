/**
 * Relaxed-SIMD variants of the q4_0·q8_0 and q8_0·q8_0 dots (dot-q8_0-partner.ts), built into their own
 * module with `--enable relaxed-simd` (the wasm-relaxed-simd backend loads it only where the engine compiles
 * relaxed SIMD). i16x8.relaxed_dot_i8x16_i7x16_s multiplies signed bytes a by bytes b that must be 0..127 for
 * the result to be defined (x64 lowers it to pmaddubsw, b unsigned); both kernels keep b in that range, so
 * their integer block sums are exact on every engine and the float accumulation is the simd128 kernel's,
 * left to right: the results are bit-identical to the reference dot.
 *   q4_0: b = the unsigned nibble q (0..15), a = the activation code y:  Σ (q−8)·y = Σ q·y − 8·Σ y, with
 *         Σ y per activation block computed once per call;
 *   q8_0: b = |x|, a = y with x's sign (|y| ≤ 127 from the q8_0 quantizer, so negation is exact); a block with
 *         a code x = −128 (|x| = 128 is outside 0..127) takes the plain simd128 integer dot instead.
 * Both take four blocks at a time (integer sums transposed into one vector, the four fp16 scales converted
 * together, the products formed lane by lane) and add the four products to the row sum one by one.
 * Memory map of `<id>_dot(w, y, rows, n, dst)` as in dot-q8_0-partner.ts.
 */
import { f16ToF32 } from '../../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../../packages/runtime-wasm/assembly/memory';
import { dotI8x16, hsum4, scales4, sumI32x4 } from '../../../../packages/runtime-wasm/assembly/simd';
import { Q4_0_BLOCK_BYTES, Q4_0_D_OFFSET, Q4_0_QS_OFFSET, Q8_0_BLOCK_BYTES, Q8_0_D_OFFSET, Q8_0_QS_OFFSET } from '../generated/constants';
import { quantizeRowQ8_0 } from '../quantize-q8_0';

/** Per activation block: its scale widened to f32, and Σ of its 32 codes (q4_0's −8 offset). */
let dys: usize = 0;
let ysums: usize = 0;

/** Σ a·b over 16 lanes as four i32 partial sums; b must be 0..127 (then exact on every engine). */
@inline function relaxedDot(a: v128, b: v128): v128 {
  return i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(a, b));
}

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

/** Σ q·y of one q4_0 block against its q8_0 activation block, as i32x4 partial sums. */
@inline function q4_0Block(x: usize, y: usize, mask: v128): v128 {
  const v = v128.load(x + Q4_0_QS_OFFSET);
  return i32x4.add(
    relaxedDot(v128.load(y + Q8_0_QS_OFFSET), v128.and(v, mask)),
    relaxedDot(v128.load(y + Q8_0_QS_OFFSET + 16), i8x16.shr_u(v, 4)),
  );
}

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
    const s = hsum4(
      q4_0Block(x, y, mask),
      q4_0Block(x + Q4_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES, mask),
      q4_0Block(x + 2 * Q4_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES, mask),
      q4_0Block(x + 3 * Q4_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES, mask),
    );
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

@inline function signedDot(x: v128, y: v128): v128 {
  return relaxedDot(v128.bitselect(i8x16.neg(y), y, i8x16.lt_s(x, i8x16.splat(0))), i8x16.abs(x));
}

/** Σ x·y of one q8_0 block against its activation block, as i32x4 partial sums (see the header on −128). */
@inline function q8_0Block(x: usize, y: usize, m128: v128): v128 {
  const x0 = v128.load(x + Q8_0_QS_OFFSET);
  const x1 = v128.load(x + Q8_0_QS_OFFSET + 16);
  const y0 = v128.load(y + Q8_0_QS_OFFSET);
  const y1 = v128.load(y + Q8_0_QS_OFFSET + 16);
  return v128.any_true(v128.or(i8x16.eq(x0, m128), i8x16.eq(x1, m128)))
    ? i32x4.add(dotI8x16(x0, y0), dotI8x16(x1, y1))
    : i32x4.add(signedDot(x0, y0), signedDot(x1, y1));
}

/** Four blocks at a time, as q4_0Row, in q8_0's operand order sumi·(dx·dy), added left to right. */
@inline function q8_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const m128 = i8x16.splat(-128);
  let b = 0;
  for (; b + 4 <= blocks; b += 4) {
    const x = w + <usize>b * Q8_0_BLOCK_BYTES;
    const y = yq + <usize>b * Q8_0_BLOCK_BYTES;
    const sumi = hsum4(
      q8_0Block(x, y, m128),
      q8_0Block(x + Q8_0_BLOCK_BYTES, y + Q8_0_BLOCK_BYTES, m128),
      q8_0Block(x + 2 * Q8_0_BLOCK_BYTES, y + 2 * Q8_0_BLOCK_BYTES, m128),
      q8_0Block(x + 3 * Q8_0_BLOCK_BYTES, y + 3 * Q8_0_BLOCK_BYTES, m128),
    );
    // q8_0's order is sumi·(dx·dy), as ggml's vec_dot and the reference (q4_0's is (sumi·dx)·dy)
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
    const sumi = sumI32x4(q8_0Block(x, yq + <usize>b * Q8_0_BLOCK_BYTES, m128));
    sumf += <f32>sumi * (f16ToF32(load<u16>(x + Q8_0_D_OFFSET)) * load<f32>(dys + (<usize>b << 2)));
  }
  return sumf;
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
