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
import { crumb, storeI8x16Scaled, storeU8x16ScaledMinus } from '../../../packages/runtime-wasm/assembly/simd';
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
import { iq4xsScale, k4Min, k4Scale, q3Scale } from './kquant-scales';

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

@inline function q4_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q4_K_D_OFFSET));
  const dmin = f16ToF32(load<u16>(src + Q4_K_DMIN_OFFSET));
  const s = src + Q4_K_SCALES_OFFSET;
  const mask = i8x16.splat(0x0f);
  for (let c = 0; c < 4; c++) {
    const dlLo = f32x4.splat(d * <f32>k4Scale(s, 2 * c));
    const mlLo = f32x4.splat(dmin * <f32>k4Min(s, 2 * c));
    const dlHi = f32x4.splat(d * <f32>k4Scale(s, 2 * c + 1));
    const mlHi = f32x4.splat(dmin * <f32>k4Min(s, 2 * c + 1));
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const v = v128.load(src + Q4_K_QS_OFFSET + 32 * c + l0);
      const out = dst + (<usize>(64 * c + l0) << 2);
      storeU8x16ScaledMinus(v128.and(v, mask), dlLo, mlLo, out);
      storeU8x16ScaledMinus(i8x16.shr_u(v, 4), dlHi, mlHi, out + 128);
    }
  }
}

export function q4_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q4_kBlock(src + <usize>b * Q4_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q5_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q5_K_D_OFFSET));
  const dmin = f16ToF32(load<u16>(src + Q5_K_DMIN_OFFSET));
  const s = src + Q5_K_SCALES_OFFSET;
  const mask = i8x16.splat(0x0f);
  const sixteen = i8x16.splat(16);
  for (let c = 0; c < 4; c++) {
    const dlLo = f32x4.splat(d * <f32>k4Scale(s, 2 * c));
    const mlLo = f32x4.splat(dmin * <f32>k4Min(s, 2 * c));
    const dlHi = f32x4.splat(d * <f32>k4Scale(s, 2 * c + 1));
    const mlHi = f32x4.splat(dmin * <f32>k4Min(s, 2 * c + 1));
    const shift: i32 = 2 * c;
    const bitLo = i8x16.splat(<i8>(<i32>1 << shift));
    const bitHi = i8x16.splat(<i8>(<i32>2 << shift));
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const v = v128.load(src + Q5_K_QS_OFFSET + 32 * c + l0);
      const qh = v128.load(src + Q5_K_QH_OFFSET + l0);
      const lo = v128.or(v128.and(v, mask), v128.and(i8x16.eq(v128.and(qh, bitLo), bitLo), sixteen));
      const hi = v128.or(i8x16.shr_u(v, 4), v128.and(i8x16.eq(v128.and(qh, bitHi), bitHi), sixteen));
      const out = dst + (<usize>(64 * c + l0) << 2);
      storeU8x16ScaledMinus(lo, dlLo, mlLo, out);
      storeU8x16ScaledMinus(hi, dlHi, mlHi, out + 128);
    }
  }
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
  for (let k = 0; k < 16; k++) storeI8x16Scaled(v128.load(src + Q8_K_QS_OFFSET + 16 * k), d, dst + (<usize>k << 6));
}

export function q8_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q8_kBlock(src + <usize>b * Q8_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}
