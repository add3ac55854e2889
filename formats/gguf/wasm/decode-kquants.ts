/**
 * Decode of ggml's 256-element super-blocks (q2_k, q3_k, q4_k, q5_k, q6_k, iq4_xs, and the activation
 * type q8_k). Each block is split
 * into 16- or 32-element sub-blocks with their own integer scale (and min); one 16-lane SIMD step covers
 * 16 consecutive outputs of one sub-block, so the per-lane arithmetic is exactly the reference's:
 *   q2_k, q4_k, q5_k:  y = (dl·code) − ml   with dl = d·sc, ml = dmin·m (each one float32 product)
 *   q3_k, q6_k:        y = dl·code          with dl = d·(sc − 32) | d·sc, code signed
 *   iq4_xs:            y = dl·kvalues[code] with dl = d·(ls − 32), ls a 6-bit scale per 32 elements
 *   q8_k:              y = d·code           with d a float32
 * Bit layouts (element e of a block; see the spec's packing notes and the reference code() / unpackCodes()):
 *   q2_k: code = (qs[32·(e>>7) + (e&31)] >> 2·((e&127)>>5)) & 3, 16 sub-blocks, scales byte j = sc | m<<4
 *   q3_k: low 2 bits as q2_k, minus 4 unless hmask[e&31] has bit e>>5; 6-bit scales packed in 12 bytes
 *   q4_k: code = nibble of qs[32·(e>>6) + (e&31)] (low for (e&63) < 32); 6-bit scale/min pairs in 12 bytes
 *   q5_k: q4_k plus 16 when qh[e&31] has bit 2·(e>>6) + ((e&63) ≥ 32)
 *   q6_k: low 4 bits in ql, high 2 bits in qh, minus 32; int8 scale per 16 elements
 *
 * Memory map of every `<id>_decode(src, n, dst)`: src holds n/256 blocks of BLOCK_BYTES, dst n float32.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { bytesToI32, crumb, storeI8x16Scaled, storeI8x16ScaledAt, storeU8x16ScaledMinus } from '../../../packages/runtime-wasm/assembly/simd';
import {
  IQ4_NL_KVALUES_IQ4NL,
  IQ4_XS_BLOCK_BYTES,
  IQ4_XS_D_OFFSET,
  IQ4_XS_QS_OFFSET,
  Q2_K_BLOCK_BYTES,
  Q2_K_D_OFFSET,
  Q2_K_DMIN_OFFSET,
  Q2_K_QS_OFFSET,
  Q2_K_SCALES_OFFSET,
  Q3_K_BLOCK_BYTES,
  Q3_K_D_OFFSET,
  Q3_K_HMASK_OFFSET,
  Q3_K_QS_OFFSET,
  Q3_K_SCALES_OFFSET,
  Q4_K_BLOCK_BYTES,
  Q4_K_D_OFFSET,
  Q4_K_DMIN_OFFSET,
  Q4_K_QS_OFFSET,
  Q4_K_SCALES_OFFSET,
  Q5_K_BLOCK_BYTES,
  Q5_K_D_OFFSET,
  Q5_K_DMIN_OFFSET,
  Q5_K_QH_OFFSET,
  Q5_K_QS_OFFSET,
  Q5_K_SCALES_OFFSET,
  Q6_K_BLOCK_BYTES,
  Q6_K_D_OFFSET,
  Q6_K_QH_OFFSET,
  Q6_K_QL_OFFSET,
  Q6_K_SCALES_OFFSET,
  Q8_K_BLOCK_BYTES,
  Q8_K_D_OFFSET,
  Q8_K_QS_OFFSET,
} from './generated/constants';
import { iq4xsScale, k4ScalesMins, q3Scale } from './kquant-scales';

const OUT_BYTES: usize = 1024; // 256 float32 per super-block

/** One q2_k sub-block of 16 outputs: (d·sc)·code − dmin·m, with sc, m the nibbles of scale byte `sub`. */
@inline function q2_kSub(src: usize, d: f32, dmin: f32, codes: v128, sub: i32, dst: usize): void {
  const sc = <u32>load<u8>(src + Q2_K_SCALES_OFFSET + sub);
  storeU8x16ScaledMinus(codes, f32x4.splat(d * <f32>(sc & 0x0f)), f32x4.splat(dmin * <f32>(sc >> 4)), dst + (<usize>sub << 6));
}

@inline function q2_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q2_K_D_OFFSET));
  const dmin = f16ToF32(load<u16>(src + Q2_K_DMIN_OFFSET));
  for (let h = 0; h < 2; h++) {
    for (let half16 = 0; half16 < 2; half16++) {
      const v = v128.load(src + Q2_K_QS_OFFSET + 32 * h + 16 * half16);
      // sub-block 8h + 2s + half16 holds bits 2s..2s+1 of these 16 bytes; s written out so shifts are constant
      const sub = 8 * h + half16;
      q2_kSub(src, d, dmin, crumb(v, 0), sub, dst);
      q2_kSub(src, d, dmin, crumb(v, 1), sub + 2, dst);
      q2_kSub(src, d, dmin, crumb(v, 2), sub + 4, dst);
      q2_kSub(src, d, dmin, crumb(v, 3), sub + 6, dst);
    }
  }
}

export function q2_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q2_kBlock(src + <usize>b * Q2_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/**
 * 16 q3_k outputs: low two bits (crumb j of qs), minus 4 unless the hmask bit is set, times d·(scale − 32).
 * `bit` is the hmask bit of this group (1 << (4·half + j)), e its first element.
 */
@inline function q3_kGroup(src: usize, d: f32, low: v128, hm: v128, bit: i32, e: i32, dst: usize): void {
  const four = i8x16.splat(4);
  const b = i8x16.splat(<i8>bit);
  // code = low − 4 when the hmask bit is clear, low when it is set
  const codes = i8x16.sub(i8x16.add(low, v128.and(i8x16.eq(v128.and(hm, b), b), four)), four);
  const dl = f32x4.splat(d * <f32>(q3Scale(src + Q3_K_SCALES_OFFSET, e >> 4) - 32));
  storeI8x16Scaled(codes, dl, dst + (<usize>e << 2));
}

@inline function q3_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q3_K_D_OFFSET));
  for (let half = 0; half < 2; half++) {
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const qs = v128.load(src + Q3_K_QS_OFFSET + 32 * half + l0);
      const hm = v128.load(src + Q3_K_HMASK_OFFSET + l0);
      // the four 32-element groups j written out, so each crumb shift is a constant
      const e = 128 * half + l0;
      const bit = 1 << (4 * half);
      q3_kGroup(src, d, crumb(qs, 0), hm, bit, e, dst);
      q3_kGroup(src, d, crumb(qs, 1), hm, bit << 1, e + 32, dst);
      q3_kGroup(src, d, crumb(qs, 2), hm, bit << 2, e + 64, dst);
      q3_kGroup(src, d, crumb(qs, 3), hm, bit << 3, e + 96, dst);
    }
  }
}

export function q3_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q3_kBlock(src + <usize>b * Q3_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/** (dl·code) − ml on four lanes holding small non-negative integer codes, stored at dst. */
@inline function scaledMinus4(c: v128, dl: v128, ml: v128, dst: usize): void {
  v128.store(dst, f32x4.sub(f32x4.mul(f32x4.convert_i32x4_s(c), dl), ml));
}

/**
 * The 16 nibbles of v against sub-blocks lo (low nibbles) and hi (high nibbles), 16 outputs each at out and
 * out + 128: each byte zero-extended to its i32 lane once (a byte shuffle against zero, one pmovzxbd), the
 * low nibble masked and the high one shifted as i32 (native shifts; byte-lane shifts are emulated).
 */
@inline function q45Half(v: v128, dlLo: v128, mlLo: v128, dlHi: v128, mlHi: v128, out: usize): void {
  const mask = i32x4.splat(0x0f);
  const b0 = bytesToI32(v, 0);
  const b1 = bytesToI32(v, 1);
  const b2 = bytesToI32(v, 2);
  const b3 = bytesToI32(v, 3);
  scaledMinus4(v128.and(b0, mask), dlLo, mlLo, out);
  scaledMinus4(v128.and(b1, mask), dlLo, mlLo, out + 16);
  scaledMinus4(v128.and(b2, mask), dlLo, mlLo, out + 32);
  scaledMinus4(v128.and(b3, mask), dlLo, mlLo, out + 48);
  scaledMinus4(i32x4.shr_u(b0, 4), dlHi, mlHi, out + 128);
  scaledMinus4(i32x4.shr_u(b1, 4), dlHi, mlHi, out + 144);
  scaledMinus4(i32x4.shr_u(b2, 4), dlHi, mlHi, out + 160);
  scaledMinus4(i32x4.shr_u(b3, 4), dlHi, mlHi, out + 176);
}

/** d·<f32>x for the four integer lanes of x (an exact conversion and one multiply each, as the scalar form). */
@inline function times(d: v128, x: v128): v128 {
  return f32x4.mul(d, f32x4.convert_i32x4_s(x));
}

/** Lane k (a literal) of v in every lane. */
@inline function lane(v: v128, k: i32): v128 {
  if (k == 0) return i32x4.shuffle(v, v, 0, 0, 0, 0);
  if (k == 1) return i32x4.shuffle(v, v, 1, 1, 1, 1);
  if (k == 2) return i32x4.shuffle(v, v, 2, 2, 2, 2);
  return i32x4.shuffle(v, v, 3, 3, 3, 3);
}

/**
 * q4_k/q5_k chunk c (a literal 0..3): sub-blocks 2c (low nibbles) and 2c + 1 (high) of the 32 code bytes
 * lo, hi (q5_k's fifth bit already or-ed in as 16). dl, ml: d·scale and dmin·min of sub-blocks 4(c/2)..+3.
 */
@inline function q45Chunk(lo: v128, hi: v128, dl: v128, ml: v128, dst: usize, c: i32): void {
  const k = (2 * c) & 3;
  const dlLo = lane(dl, k);
  const mlLo = lane(ml, k);
  const dlHi = lane(dl, k + 1);
  const mlHi = lane(ml, k + 1);
  const out = dst + (<usize>(64 * c) << 2);
  q45Half(lo, dlLo, mlLo, dlHi, mlHi, out);
  q45Half(hi, dlLo, mlLo, dlHi, mlHi, out + 64);
}

/**
 * All eight 6-bit scales and mins of the block unpacked at once (k4ScalesMins) and turned into d·scale and
 * dmin·min in four vectors (sub-blocks 0..3 and 4..7), then each 32-byte chunk written out, so no scale is
 * unpacked with scalar branches and every lane pick is a constant shuffle.
 */
@inline function q4_kBlock(src: usize, dst: usize): void {
  const sm = k4ScalesMins(src + Q4_K_SCALES_OFFSET);
  const sc = i16x8.extend_low_i8x16_u(sm);
  const mn = i16x8.extend_high_i8x16_u(sm);
  const vd = f32x4.splat(f16ToF32(load<u16>(src + Q4_K_D_OFFSET)));
  const vm = f32x4.splat(f16ToF32(load<u16>(src + Q4_K_DMIN_OFFSET)));
  const dl0 = times(vd, i32x4.extend_low_i16x8_u(sc));
  const dl1 = times(vd, i32x4.extend_high_i16x8_u(sc));
  const ml0 = times(vm, i32x4.extend_low_i16x8_u(mn));
  const ml1 = times(vm, i32x4.extend_high_i16x8_u(mn));
  const qs = src + Q4_K_QS_OFFSET;
  q45Chunk(v128.load(qs), v128.load(qs, 16), dl0, ml0, dst, 0);
  q45Chunk(v128.load(qs, 32), v128.load(qs, 48), dl0, ml0, dst, 1);
  q45Chunk(v128.load(qs, 64), v128.load(qs, 80), dl1, ml1, dst, 2);
  q45Chunk(v128.load(qs, 96), v128.load(qs, 112), dl1, ml1, dst, 3);
}

export function q4_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q4_kBlock(src + <usize>b * Q4_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/** 16 small non-negative byte codes → (dl·code) − ml, 16 outputs at out (each byte widened by one shuffle). */
@inline function codes16(v: v128, dl: v128, ml: v128, out: usize): void {
  scaledMinus4(bytesToI32(v, 0), dl, ml, out);
  scaledMinus4(bytesToI32(v, 1), dl, ml, out + 16);
  scaledMinus4(bytesToI32(v, 2), dl, ml, out + 32);
  scaledMinus4(bytesToI32(v, 3), dl, ml, out + 48);
}

/**
 * q5_k chunk c (a literal 0..3): the 32 qs bytes v0, v1 with the fifth bit of each code from qh bit 2c (low
 * nibbles, sub-block 2c) or 2c + 1 (high nibbles, sub-block 2c + 1), added as 16 in byte lanes.
 */
@inline function q5_kChunk(qs: usize, h0: v128, h1: v128, dl: v128, ml: v128, dst: usize, c: i32): void {
  const mask = i8x16.splat(0x0f);
  const sixteen = i8x16.splat(16);
  const bitLo = i8x16.splat(<i8>(<i32>1 << (2 * c)));
  const bitHi = i8x16.splat(<i8>(<i32>2 << (2 * c)));
  const v0 = v128.load(qs + 32 * c);
  const v1 = v128.load(qs + 32 * c, 16);
  const k = (2 * c) & 3;
  const dlLo = lane(dl, k);
  const mlLo = lane(ml, k);
  const dlHi = lane(dl, k + 1);
  const mlHi = lane(ml, k + 1);
  const out = dst + (<usize>(64 * c) << 2);
  codes16(v128.or(v128.and(v0, mask), v128.and(i8x16.eq(v128.and(h0, bitLo), bitLo), sixteen)), dlLo, mlLo, out);
  codes16(v128.or(v128.and(v1, mask), v128.and(i8x16.eq(v128.and(h1, bitLo), bitLo), sixteen)), dlLo, mlLo, out + 64);
  codes16(v128.or(i8x16.shr_u(v0, 4), v128.and(i8x16.eq(v128.and(h0, bitHi), bitHi), sixteen)), dlHi, mlHi, out + 128);
  codes16(v128.or(i8x16.shr_u(v1, 4), v128.and(i8x16.eq(v128.and(h1, bitHi), bitHi), sixteen)), dlHi, mlHi, out + 192);
}

/** As q4_kBlock: scales and mins unpacked and scaled once per block, the four chunks written out. */
@inline function q5_kBlock(src: usize, dst: usize): void {
  const sm = k4ScalesMins(src + Q5_K_SCALES_OFFSET);
  const sc = i16x8.extend_low_i8x16_u(sm);
  const mn = i16x8.extend_high_i8x16_u(sm);
  const vd = f32x4.splat(f16ToF32(load<u16>(src + Q5_K_D_OFFSET)));
  const vm = f32x4.splat(f16ToF32(load<u16>(src + Q5_K_DMIN_OFFSET)));
  const dl0 = times(vd, i32x4.extend_low_i16x8_u(sc));
  const dl1 = times(vd, i32x4.extend_high_i16x8_u(sc));
  const ml0 = times(vm, i32x4.extend_low_i16x8_u(mn));
  const ml1 = times(vm, i32x4.extend_high_i16x8_u(mn));
  const qs = src + Q5_K_QS_OFFSET;
  const h0 = v128.load(src + Q5_K_QH_OFFSET);
  const h1 = v128.load(src + Q5_K_QH_OFFSET + 16);
  q5_kChunk(qs, h0, h1, dl0, ml0, dst, 0);
  q5_kChunk(qs, h0, h1, dl0, ml0, dst, 1);
  q5_kChunk(qs, h0, h1, dl1, ml1, dst, 2);
  q5_kChunk(qs, h0, h1, dl1, ml1, dst, 3);
}

export function q5_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q5_kBlock(src + <usize>b * Q5_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/**
 * 16 q6_k outputs: (low4 | high2 << 4) − 32 times d·scale. high2 is bits 2k..2k+1 of the qh bytes, moved to
 * bits 4..5 by a constant int16 shift and masked per byte (the mask drops bits from the neighbouring byte).
 */
@inline function q6_kGroup(src: usize, d: f32, low: v128, high: v128, e: i32, dst: usize): void {
  const codes = i8x16.sub(v128.or(low, v128.and(high, i8x16.splat(0x30))), i8x16.splat(32));
  const sc = f32x4.splat(d * <f32>load<i8>(src + Q6_K_SCALES_OFFSET + (e >> 4)));
  storeI8x16Scaled(codes, sc, dst + (<usize>e << 2));
}

@inline function q6_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q6_K_D_OFFSET));
  const mask = i8x16.splat(0x0f);
  for (let half = 0; half < 2; half++) {
    const ql = src + Q6_K_QL_OFFSET + 64 * half;
    const qh = src + Q6_K_QH_OFFSET + 32 * half;
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const a = v128.load(ql + l0);
      const b = v128.load(ql + l0 + 32);
      const h = v128.load(qh + l0);
      const e = 128 * half + l0;
      // four 16-lane groups k (elements e + 32k), high bits at qh bit 2k, written out: constant shifts
      q6_kGroup(src, d, v128.and(a, mask), i16x8.shl(h, 4), e, dst);
      q6_kGroup(src, d, v128.and(b, mask), i16x8.shl(h, 2), e + 32, dst);
      q6_kGroup(src, d, v128.and(i16x8.shr_u(a, 4), mask), h, e + 64, dst);
      q6_kGroup(src, d, v128.and(i16x8.shr_u(b, 4), mask), i16x8.shr_u(h, 2), e + 96, dst);
    }
  }
}

export function q6_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q6_kBlock(src + <usize>b * Q6_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function iq4_xsBlock(src: usize, dst: usize, table: v128): void {
  const d = f16ToF32(load<u16>(src + IQ4_XS_D_OFFSET));
  const mask = i8x16.splat(0x0f);
  for (let ib = 0; ib < 8; ib++) {
    const dl = f32x4.splat(d * <f32>(iq4xsScale(src, ib) - 32));
    const v = v128.load(src + IQ4_XS_QS_OFFSET + 16 * ib);
    const out = dst + (<usize>ib << 7);
    storeI8x16Scaled(i8x16.swizzle(table, v128.and(v, mask)), dl, out);
    storeI8x16Scaled(i8x16.swizzle(table, i8x16.shr_u(v, 4)), dl, out + 64);
  }
}

export function iq4_xs_decode(src: usize, n: i32, dst: usize): void {
  // iq4_xs shares iq4_nl's codebook (the spec table lives with iq4_nl)
  const table = v128.load(IQ4_NL_KVALUES_IQ4NL);
  for (let b = 0; b < n >>> 8; b++) iq4_xsBlock(src + <usize>b * IQ4_XS_BLOCK_BYTES, dst + <usize>b * OUT_BYTES, table);
}

@inline function q8_kBlock(src: usize, dst: usize): void {
  const d = f32x4.splat(load<f32>(src + Q8_K_D_OFFSET));
  // four groups of 16 per step: fewer loop-counter updates and compares between the stores
  for (let k = 0; k < 16; k += 4) {
    const at = src + Q8_K_QS_OFFSET + 16 * k;
    const out = dst + (<usize>k << 6);
    storeI8x16ScaledAt(at, d, out);
    storeI8x16ScaledAt(at + 16, d, out + 64);
    storeI8x16ScaledAt(at + 32, d, out + 128);
    storeI8x16ScaledAt(at + 48, d, out + 192);
  }
}

export function q8_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q8_kBlock(src + <usize>b * Q8_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}
