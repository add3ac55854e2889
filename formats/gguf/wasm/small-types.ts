/**
 * ggml's NVFP4 (40), Q1_0 (41) and Q2_0 (42): decode and dot against the q8_0 activation partner, in the
 * reference's arithmetic (formats/gguf/src/reference/{nvfp4,q1_0,q2_0}.ts), so every result is
 * bit-identical to it: an exact integer dot per q8_0 half/quarter, then float32 steps in ggml's order.
 *
 * Memory map of `<id>_decode(src, n, dst)`: n/BLOCK_ELEMENTS blocks back to back → n float32 at dst.
 *   nvfp4: 4 UE4M3 bytes at D_OFFSET, then 32 code bytes: qs[8s + j] = element 16s + j (low nibble) and
 *          16s + 8 + j (high nibble); value = kvalues_mxfp4[code]·ue4m3_half(d[s]).
 *   q1_0:  fp16 d, then 128 sign bits LSB first: ±d.      q2_0: fp16 d, then 2-bit codes LSB first: (c − 1)·d.
 * `<id>_dot(w, y, rows, n, dst)`: y (n float32) is quantized to q8_0 once (scratch from the allocator),
 * then every weight row runs ggml's vec_dot.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { crumb, storeI8x16Scaled } from '../../../packages/runtime-wasm/assembly/simd';
import {
  MXFP4_KVALUES_MXFP4,
  NVFP4_BLOCK_BYTES,
  NVFP4_D_OFFSET,
  NVFP4_QS_OFFSET,
  Q1_0_BLOCK_BYTES,
  Q1_0_D_OFFSET,
  Q1_0_QS_OFFSET,
  Q2_0_BLOCK_BYTES,
  Q2_0_D_OFFSET,
  Q2_0_QS_OFFSET,
  Q8_0_BLOCK_BYTES,
  Q8_0_D_OFFSET,
  Q8_0_QS_OFFSET,
} from './generated/constants';
import { quantizeRowQ8_0 } from './quantize-q8_0';

/** ggml_ue4m3_to_fp32: half the UE4M3 value; 0 and 0x7F give 0, bit 7 is otherwise ignored. */
@inline function ue4m3Half(x: u32): f32 {
  if (x == 0 || x == 0x7f) return 0;
  const exp = (x >>> 3) & 0xf;
  const man = x & 7;
  // (1 + man/8)·2^(exp − 7)·0.5 built from bits; exponent 0: man·2^-9·0.5 (exact product)
  return exp == 0 ? <f32>man * reinterpret<f32>(0x3a800000) : reinterpret<f32>(((exp + 119) << 23) | (man << 20));
}

@inline function kv(code: u32): f32 {
  return <f32>load<i8>(MXFP4_KVALUES_MXFP4 + <usize>code);
}

export function nvfp4_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 6; b++) {
    const x = src + <usize>b * NVFP4_BLOCK_BYTES;
    const out = dst + ((<usize>b << 6) << 2);
    for (let s = 0; s < 4; s++) {
      const d = ue4m3Half(<u32>load<u8>(x + NVFP4_D_OFFSET + <usize>s));
      for (let j = 0; j < 8; j++) {
        const byte = <u32>load<u8>(x + NVFP4_QS_OFFSET + <usize>(8 * s + j));
        store<f32>(out + (<usize>(16 * s + j) << 2), kv(byte & 0xf) * d);
        store<f32>(out + (<usize>(16 * s + 8 + j) << 2), kv(byte >>> 4) * d);
      }
    }
  }
}

/**
 * Four ±d lanes for sign bytes 4k..4k+3 of m (0xff: bit set → d, 0: bit clear → −d): each byte repeated
 * over its 32-bit lane (one single-operand byte shuffle) selects d or −d. −d is f32x4.neg (a sign flip, as
 * the scalar −d), so the lanes are the reference's values bit for bit.
 */
@inline function signs4(m: v128, k: i32, d: v128, negd: v128): v128 {
  let lanes: v128;
  if (k == 0) lanes = i8x16.shuffle(m, m, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3);
  else if (k == 1) lanes = i8x16.shuffle(m, m, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7);
  else if (k == 2) lanes = i8x16.shuffle(m, m, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10, 10, 10, 11, 11, 11, 11);
  else lanes = i8x16.shuffle(m, m, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14, 14, 14, 15, 15, 15, 15);
  return v128.bitselect(d, negd, lanes);
}

/** 16 outputs from the 16 sign bits at `bits` (bit j → element j), stored at out. */
@inline function q1_0Group(bits: usize, d: v128, negd: v128, out: usize): void {
  // the two bytes each over eight lanes, then lane j keeps bit j % 8: 0xff where set
  const pair = i16x8.splat(<i16>load<u16>(bits));
  const spread = i8x16.shuffle(pair, pair, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  const select = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  const m = i8x16.eq(v128.and(spread, select), select);
  v128.store(out, signs4(m, 0, d, negd));
  v128.store(out, signs4(m, 1, d, negd), 16);
  v128.store(out, signs4(m, 2, d, negd), 32);
  v128.store(out, signs4(m, 3, d, negd), 48);
}

export function q1_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 7; b++) {
    const x = src + <usize>b * Q1_0_BLOCK_BYTES;
    const d = f32x4.splat(f16ToF32(<u32>load<u16>(x + Q1_0_D_OFFSET)));
    const negd = f32x4.neg(d);
    const out = dst + ((<usize>b << 7) << 2);
    for (let g = 0; g < 8; g++) q1_0Group(x + Q1_0_QS_OFFSET + (<usize>g << 1), d, negd, out + (<usize>g << 6));
  }
}

/**
 * q2_0: the 16 code bytes of a block hold element 4i + k at bits 2k..2k+1 of byte i. The four crumbs are
 * taken for all 16 bytes at once (crumb k = element 4i + k), then interleaved back into element order:
 * bytes of crumbs 0/1 and 2/3 pairwise, then those pairs as 16-bit lanes. Each code − 1 (a small integer,
 * exact) times d is one float32 multiply, as the scalar (c − 1)·d.
 */
export function q2_0_decode(src: usize, n: i32, dst: usize): void {
  const one = i8x16.splat(1);
  for (let b = 0; b < n >>> 6; b++) {
    const x = src + <usize>b * Q2_0_BLOCK_BYTES;
    const d = f32x4.splat(f16ToF32(<u32>load<u16>(x + Q2_0_D_OFFSET)));
    const q = v128.load(x + Q2_0_QS_OFFSET);
    const c0 = crumb(q, 0);
    const c1 = crumb(q, 1);
    const c2 = crumb(q, 2);
    const c3 = crumb(q, 3);
    const lo01 = i8x16.shuffle(c0, c1, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const hi01 = i8x16.shuffle(c0, c1, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const lo23 = i8x16.shuffle(c2, c3, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const hi23 = i8x16.shuffle(c2, c3, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    const out = dst + ((<usize>b << 6) << 2);
    storeI8x16Scaled(i8x16.sub(i16x8.shuffle(lo01, lo23, 0, 8, 1, 9, 2, 10, 3, 11), one), d, out);
    storeI8x16Scaled(i8x16.sub(i16x8.shuffle(lo01, lo23, 4, 12, 5, 13, 6, 14, 7, 15), one), d, out + 64);
    storeI8x16Scaled(i8x16.sub(i16x8.shuffle(hi01, hi23, 0, 8, 1, 9, 2, 10, 3, 11), one), d, out + 128);
    storeI8x16Scaled(i8x16.sub(i16x8.shuffle(hi01, hi23, 4, 12, 5, 13, 6, 14, 7, 15), one), d, out + 192);
  }
}

@inline function qy(yq: usize, block: i32, j: i32): i32 {
  return <i32>load<i8>(yq + <usize>block * Q8_0_BLOCK_BYTES + Q8_0_QS_OFFSET + <usize>j);
}

@inline function dy(yq: usize, block: i32): f32 {
  return f16ToF32(<u32>load<u16>(yq + <usize>block * Q8_0_BLOCK_BYTES + Q8_0_D_OFFSET));
}

/** ggml_vec_dot_nvfp4_q8_0: per sub-block sumf += (d_y·d)·sumi. */
@inline function nvfp4Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let ib = 0; ib < blocks; ib++) {
    const x = w + <usize>ib * NVFP4_BLOCK_BYTES;
    for (let s = 0; s < 4; s++) {
      const d = ue4m3Half(<u32>load<u8>(x + NVFP4_D_OFFSET + <usize>s));
      const yb = 2 * ib + (s >> 1);
      const off = (s & 1) * 16;
      let sumi = 0;
      for (let j = 0; j < 8; j++) {
        const byte = <u32>load<u8>(x + NVFP4_QS_OFFSET + <usize>(8 * s + j));
        sumi += qy(yq, yb, off + j) * <i32>load<i8>(MXFP4_KVALUES_MXFP4 + <usize>(byte & 0xf));
        sumi += qy(yq, yb, off + 8 + j) * <i32>load<i8>(MXFP4_KVALUES_MXFP4 + <usize>(byte >>> 4));
      }
      sumf += (dy(yq, yb) * d) * <f32>sumi;
    }
  }
  return sumf;
}

/** ggml_vec_dot_q1_0_q8_0: sumi += d_y·Σ±qy per q8_0 block, then sumf += d·sumi. */
@inline function q1_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let i = 0; i < blocks; i++) {
    const x = w + <usize>i * Q1_0_BLOCK_BYTES;
    let sumi: f32 = 0;
    for (let k = 0; k < 4; k++) {
      const yb = 4 * i + k;
      let block = 0;
      for (let j = 0; j < 32; j++) {
        const bit = (<u32>load<u8>(x + Q1_0_QS_OFFSET + <usize>(4 * k + (j >>> 3))) >>> (j & 7)) & 1;
        const v = qy(yq, yb, j);
        block += bit ? v : -v;
      }
      sumi += dy(yq, yb) * <f32>block;
    }
    sumf += f16ToF32(<u32>load<u16>(x + Q1_0_D_OFFSET)) * sumi;
  }
  return sumf;
}

/** ggml_vec_dot_q2_0_q8_0: sumi += d_y·Σ(c − 1)·qy per q8_0 block, then sumf += d·sumi. */
@inline function q2_0Row(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let i = 0; i < blocks; i++) {
    const x = w + <usize>i * Q2_0_BLOCK_BYTES;
    let sumi: f32 = 0;
    for (let k = 0; k < 2; k++) {
      const yb = 2 * i + k;
      let block = 0;
      for (let j = 0; j < 32; j++) {
        const c = (<i32>load<u8>(x + Q2_0_QS_OFFSET + <usize>(8 * k + (j >>> 2))) >>> (2 * (j & 3))) & 3;
        block += (c - 1) * qy(yq, yb, j);
      }
      sumi += dy(yq, yb) * <f32>block;
    }
    sumf += f16ToF32(<u32>load<u16>(x + Q2_0_D_OFFSET)) * sumi;
  }
  return sumf;
}

@inline function partner(y: usize, n: i32): usize {
  const yq = alloc(<usize>(n >>> 5) * Q8_0_BLOCK_BYTES);
  quantizeRowQ8_0(y, n, yq);
  return yq;
}

export function nvfp4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = partner(y, n);
  const rowBytes = <usize>(n >>> 6) * NVFP4_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), nvfp4Row(w + <usize>r * rowBytes, yq, n >>> 6));
  release(m);
}

export function q1_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = partner(y, n);
  const rowBytes = <usize>(n >>> 7) * Q1_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q1_0Row(w + <usize>r * rowBytes, yq, n >>> 7));
  release(m);
}

export function q2_0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = partner(y, n);
  const rowBytes = <usize>(n >>> 6) * Q2_0_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), q2_0Row(w + <usize>r * rowBytes, yq, n >>> 6));
  release(m);
}
