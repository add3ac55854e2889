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
import { storeI8x16Scaled, storeU8x16ScaledMinus } from '../../../packages/runtime-wasm/assembly/simd';
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

@inline function q2_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q2_K_D_OFFSET));
  const dmin = f16ToF32(load<u16>(src + Q2_K_DMIN_OFFSET));
  const three = i8x16.splat(3);
  for (let h = 0; h < 2; h++) {
    for (let half16 = 0; half16 < 2; half16++) {
      const v = v128.load(src + Q2_K_QS_OFFSET + 32 * h + 16 * half16);
      for (let s = 0; s < 4; s++) {
        const sub = 8 * h + 2 * s + half16;
        const sc = <u32>load<u8>(src + Q2_K_SCALES_OFFSET + sub);
        const dl = f32x4.splat(d * <f32>(sc & 0x0f));
        const ml = f32x4.splat(dmin * <f32>(sc >> 4));
        const codes = v128.and(i8x16.shr_u(v, 2 * s), three);
        storeU8x16ScaledMinus(codes, dl, ml, dst + (<usize>sub << 6));
      }
    }
  }
}

export function q2_k_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) q2_kBlock(src + <usize>b * Q2_K_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

@inline function q3_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q3_K_D_OFFSET));
  const three = i8x16.splat(3);
  const four = i8x16.splat(4);
  for (let half = 0; half < 2; half++) {
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const qs = v128.load(src + Q3_K_QS_OFFSET + 32 * half + l0);
      const hm = v128.load(src + Q3_K_HMASK_OFFSET + l0);
      for (let j = 0; j < 4; j++) {
        const e = 128 * half + 32 * j + l0;
        const low = v128.and(i8x16.shr_u(qs, 2 * j), three);
        const bitIndex: i32 = 4 * half + j;
        const bit = i8x16.splat(<i8>(<i32>1 << bitIndex));
        // code = low − 4 when the hmask bit is clear, low when it is set
        const high = v128.and(i8x16.eq(v128.and(hm, bit), bit), four);
        const codes = i8x16.sub(i8x16.add(low, high), four);
        const dl = f32x4.splat(d * <f32>(q3Scale(src + Q3_K_SCALES_OFFSET, e >> 4) - 32));
        storeI8x16Scaled(codes, dl, dst + (<usize>e << 2));
      }
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

@inline function q6_kBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + Q6_K_D_OFFSET));
  const mask = i8x16.splat(0x0f);
  const three = i8x16.splat(3);
  const bias = i8x16.splat(32);
  for (let half = 0; half < 2; half++) {
    const ql = src + Q6_K_QL_OFFSET + 64 * half;
    const qh = src + Q6_K_QH_OFFSET + 32 * half;
    for (let l0 = 0; l0 < 32; l0 += 16) {
      const a = v128.load(ql + l0);
      const b = v128.load(ql + l0 + 32);
      const h = v128.load(qh + l0);
      const base = 128 * half + l0;
      // four 16-lane groups: elements base + 32k + (0..15), high bits at qh bit 2k
      for (let k = 0; k < 4; k++) {
        const nib = k & 1 ? b : a;
        const low = k < 2 ? v128.and(nib, mask) : i8x16.shr_u(nib, 4);
        const high = i8x16.shl(v128.and(i8x16.shr_u(h, 2 * k), three), 4);
        const codes = i8x16.sub(v128.or(low, high), bias);
        const e = base + 32 * k;
        const sc = f32x4.splat(d * <f32>load<i8>(src + Q6_K_SCALES_OFFSET + (e >> 4)));
        storeI8x16Scaled(codes, sc, dst + (<usize>e << 2));
      }
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
