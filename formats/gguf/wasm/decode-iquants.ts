/**
 * Decode of ggml's seven i-quants (256-element super-blocks, grids from the spec's generated constants).
 * Per 16 outputs one v128 of signed grid codes (iquants-common.ts) times a float32 sub-block scale, which is
 * exactly the reference's per-lane arithmetic (each output one correctly rounded product):
 *   iq2_xxs, iq2_xs, iq2_s: db = fl(fl(d·(0.5 + ls))·0.25), y = ±fl(db·grid[j])
 *   iq3_xxs:                db = fl(fl(d·(0.5 + ls))·0.5),  y = ±fl(db·grid[j])
 *   iq3_s:                  db = fl(d·(1 + 2·ls)),           y = ±fl(db·grid[j])
 *   iq1_s, iq1_m:           dl = fl(d·(2·ls + 1)),           y = fl(dl·(grid[j] + delta)), grid ∈ {−1, 0, 1},
 *                           delta = ±0.125 (grid[j] + delta is exact in float32)
 *
 * Memory map of every `<id>_decode(src, n, dst)`: src holds n/256 blocks of BLOCK_BYTES, dst n float32.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { storeI8x16Scaled } from '../../../packages/runtime-wasm/assembly/simd';
import {
  IQ1_M_BLOCK_BYTES,
  IQ1_M_QH_OFFSET,
  IQ1_M_QS_OFFSET,
  IQ1_M_SCALES_OFFSET,
  IQ1_S_BLOCK_BYTES,
  IQ1_S_D_OFFSET,
  IQ1_S_IQ1S_GRID,
  IQ1_S_QH_OFFSET,
  IQ1_S_QS_OFFSET,
  IQ2_S_BLOCK_BYTES,
  IQ2_S_D_OFFSET,
  IQ2_S_IQ2S_GRID,
  IQ2_S_QH_OFFSET,
  IQ2_S_QS_OFFSET,
  IQ2_S_SCALES_OFFSET,
  IQ2_S_SIGNS_OFFSET,
  IQ2_XS_BLOCK_BYTES,
  IQ2_XS_D_OFFSET,
  IQ2_XS_IQ2XS_GRID,
  IQ2_XS_QS_OFFSET,
  IQ2_XS_SCALES_OFFSET,
  IQ2_XXS_BLOCK_BYTES,
  IQ2_XXS_D_OFFSET,
  IQ2_XXS_IQ2XXS_GRID,
  IQ2_XXS_QS_OFFSET,
  IQ3_S_BLOCK_BYTES,
  IQ3_S_D_OFFSET,
  IQ3_S_IQ3S_GRID,
  IQ3_S_QH_OFFSET,
  IQ3_S_QS_OFFSET,
  IQ3_S_SCALES_OFFSET,
  IQ3_S_SIGNS_OFFSET,
  IQ3_XXS_BLOCK_BYTES,
  IQ3_XXS_D_OFFSET,
  IQ3_XXS_IQ3XXS_GRID,
  IQ3_XXS_QS_OFFSET,
  IQ3_XXS_SCALES_AND_SIGNS_OFFSET,
} from './generated/constants';
import { grid4x2, grid8, IQ1_DELTA, ksigns, signedCodes } from './iquants-common';

const OUT_BYTES: usize = 1024; // 256 float32 per super-block

/** iq2 sub-block scale: fl(fl(d·(0.5 + ls))·0.25). */
@inline function iq2Scale(d: f32, ls: u32): v128 {
  return f32x4.splat((d * (<f32>0.5 + <f32>ls)) * <f32>0.25);
}

// ---- iq2_xxs: per 32 weights aux0 = four grid indices, aux1 = four 7-bit sign indices | ls << 28

@inline function iq2_xxsBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ2_XXS_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const o = src + IQ2_XXS_QS_OFFSET + 8 * ib;
    const aux0 = load<u32>(o);
    const aux1 = load<u32>(o + 4);
    const db = iq2Scale(d, aux1 >> 28);
    const out = dst + (<usize>ib << 7);
    for (let h = 0; h < 2; h++) {
      const l = 2 * h;
      const codes = signedCodes(
        grid8(IQ2_XXS_IQ2XXS_GRID, (aux0 >> (8 * l)) & 0xff),
        grid8(IQ2_XXS_IQ2XXS_GRID, (aux0 >> (8 * l + 8)) & 0xff),
        ksigns(aux1 >> (7 * l)),
        ksigns(aux1 >> (7 * l + 7)),
      );
      storeI8x16Scaled(codes, db, out + (<usize>h << 6));
    }
  }
}

export function iq2_xxs_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq2_xxsBlock(src + <usize>b * IQ2_XXS_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

// ---- iq2_xs: qs[32] uint16 (9-bit grid index | 7-bit sign index << 9), scales[8] (nibble per 16 weights)

@inline function iq2_xsBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ2_XS_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const sc = <u32>load<u8>(src + IQ2_XS_SCALES_OFFSET + ib);
    for (let h = 0; h < 2; h++) {
      const q = src + IQ2_XS_QS_OFFSET + 8 * ib + 4 * h;
      const v0 = <u32>load<u16>(q);
      const v1 = <u32>load<u16>(q + 2);
      const codes = signedCodes(grid8(IQ2_XS_IQ2XS_GRID, v0 & 511), grid8(IQ2_XS_IQ2XS_GRID, v1 & 511), ksigns(v0 >> 9), ksigns(v1 >> 9));
      storeI8x16Scaled(codes, iq2Scale(d, (sc >> (4 * h)) & 0xf), dst + (<usize>(32 * ib + 16 * h) << 2));
    }
  }
}

export function iq2_xs_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq2_xsBlock(src + <usize>b * IQ2_XS_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

// ---- iq2_s: 10-bit grid index (qs low 8 bits, qh bits 2l..2l+1 of byte ib), explicit sign bytes

@inline function iq2_sIndex(src: usize, ib: i32, l: i32): u32 {
  return <u32>load<u8>(src + IQ2_S_QS_OFFSET + 4 * ib + l) | ((<u32>load<u8>(src + IQ2_S_QH_OFFSET + ib) << (8 - 2 * l)) & 0x300);
}

@inline function iq2_sBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ2_S_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const sc = <u32>load<u8>(src + IQ2_S_SCALES_OFFSET + ib);
    for (let h = 0; h < 2; h++) {
      const l = 2 * h;
      const s = src + IQ2_S_SIGNS_OFFSET + 4 * ib + l;
      const codes = signedCodes(
        grid8(IQ2_S_IQ2S_GRID, iq2_sIndex(src, ib, l)),
        grid8(IQ2_S_IQ2S_GRID, iq2_sIndex(src, ib, l + 1)),
        <u32>load<u8>(s),
        <u32>load<u8>(s + 1),
      );
      storeI8x16Scaled(codes, iq2Scale(d, (sc >> (4 * h)) & 0xf), dst + (<usize>(32 * ib + 16 * h) << 2));
    }
  }
}

export function iq2_s_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq2_sBlock(src + <usize>b * IQ2_S_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

// ---- iq3_xxs: qs[64] one 4-byte grid index per 4 weights, per 32 weights uint32 of four sign indices | ls << 28

@inline function iq3_xxsBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ3_XXS_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const aux = load<u32>(src + IQ3_XXS_SCALES_AND_SIGNS_OFFSET + 4 * ib);
    const db = f32x4.splat((d * (<f32>0.5 + <f32>(aux >> 28))) * <f32>0.5);
    const q = src + IQ3_XXS_QS_OFFSET + 8 * ib;
    for (let h = 0; h < 2; h++) {
      const l = 2 * h;
      const p = q + 2 * l;
      const codes = signedCodes(
        grid4x2(IQ3_XXS_IQ3XXS_GRID, <u32>load<u8>(p), <u32>load<u8>(p + 1)),
        grid4x2(IQ3_XXS_IQ3XXS_GRID, <u32>load<u8>(p + 2), <u32>load<u8>(p + 3)),
        ksigns(aux >> (7 * l)),
        ksigns(aux >> (7 * l + 7)),
      );
      storeI8x16Scaled(codes, db, dst + (<usize>(32 * ib + 16 * h) << 2));
    }
  }
}

export function iq3_xxs_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq3_xxsBlock(src + <usize>b * IQ3_XXS_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

// ---- iq3_s: 9-bit grid index (qs low 8 bits, bit k of qh[ib]), explicit sign bytes, 4-bit ls per 32 weights

@inline function iq3_sIndex(src: usize, ib: i32, k: i32): u32 {
  return <u32>load<u8>(src + IQ3_S_QS_OFFSET + 8 * ib + k) | (((<u32>load<u8>(src + IQ3_S_QH_OFFSET + ib) >> k) & 1) << 8);
}

@inline function iq3_sBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ3_S_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const ls = (<u32>load<u8>(src + IQ3_S_SCALES_OFFSET + (ib >> 1)) >> (4 * (ib & 1))) & 0xf;
    const m: u32 = 2 * ls + 1;
    const db = f32x4.splat(d * <f32>m);
    for (let h = 0; h < 2; h++) {
      const k = 4 * h;
      const s = src + IQ3_S_SIGNS_OFFSET + 4 * ib + 2 * h;
      const codes = signedCodes(
        grid4x2(IQ3_S_IQ3S_GRID, iq3_sIndex(src, ib, k), iq3_sIndex(src, ib, k + 1)),
        grid4x2(IQ3_S_IQ3S_GRID, iq3_sIndex(src, ib, k + 2), iq3_sIndex(src, ib, k + 3)),
        <u32>load<u8>(s),
        <u32>load<u8>(s + 1),
      );
      storeI8x16Scaled(codes, db, dst + (<usize>(32 * ib + 16 * h) << 2));
    }
  }
}

export function iq3_s_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq3_sBlock(src + <usize>b * IQ3_S_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

// ---- iq1_s / iq1_m: 11-bit index into the ternary iq1s_grid, y = dl·(grid[j] + delta)

/** 8 outputs fl(dl·(grid[j] + delta)) of grid entry `index`. */
@inline function iq1Group(index: u32, dl: v128, delta: v128, out: usize): void {
  const g = i16x8.extend_low_i8x16_s(v128.load64_zero(IQ1_S_IQ1S_GRID + (<usize>index << 3)));
  const lo = f32x4.add(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(g)), delta);
  const hi = f32x4.add(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(g)), delta);
  v128.store(out, f32x4.mul(lo, dl));
  v128.store(out, f32x4.mul(hi, dl), 16);
}

@inline function iq1_sBlock(src: usize, dst: usize): void {
  const d = f16ToF32(load<u16>(src + IQ1_S_D_OFFSET));
  for (let ib = 0; ib < 8; ib++) {
    const qh = <u32>load<u16>(src + IQ1_S_QH_OFFSET + 2 * ib);
    const m: u32 = 2 * ((qh >> 12) & 7) + 1;
    const dl = f32x4.splat(d * <f32>m);
    const delta = f32x4.splat(qh & 0x8000 ? -IQ1_DELTA : IQ1_DELTA);
    for (let l = 0; l < 4; l++) {
      const index = <u32>load<u8>(src + IQ1_S_QS_OFFSET + 4 * ib + l) | (((qh >> (3 * l)) & 7) << 8);
      iq1Group(index, dl, delta, dst + (<usize>(32 * ib + 8 * l) << 2));
    }
  }
}

export function iq1_s_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq1_sBlock(src + <usize>b * IQ1_S_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}

/** iq1_m's fp16 super-block scale, gathered from the top nibbles of the four uint16 sc[k]. */
@inline export function iq1_mScale(src: usize): f32 {
  const s = src + IQ1_M_SCALES_OFFSET;
  const sc0 = <u32>load<u16>(s);
  const sc1 = <u32>load<u16>(s + 2);
  const sc2 = <u32>load<u16>(s + 4);
  const sc3 = <u32>load<u16>(s + 6);
  return f16ToF32((sc0 >> 12) | ((sc1 >> 8) & 0x00f0) | ((sc2 >> 4) & 0x0f00) | (sc3 & 0xf000));
}

/** 3-bit scale of half h of 32-weight block ib. */
@inline export function iq1_mHalfScale(src: usize, ib: i32, h: i32): u32 {
  return (<u32>load<u16>(src + IQ1_M_SCALES_OFFSET + 2 * (ib >> 1)) >> (6 * (ib & 1) + 3 * h)) & 7;
}

/** Nibble of group l of block ib: index bits 8..10 in bits 0..2, shift sign in bit 3. */
@inline export function iq1_mNibble(src: usize, ib: i32, l: i32): u32 {
  return (<u32>load<u8>(src + IQ1_M_QH_OFFSET + 2 * ib + (l >> 1)) >> (4 * (l & 1))) & 0xf;
}

@inline function iq1_mBlock(src: usize, dst: usize): void {
  const d = iq1_mScale(src);
  for (let ib = 0; ib < 8; ib++) {
    for (let l = 0; l < 4; l++) {
      const m: u32 = 2 * iq1_mHalfScale(src, ib, l >> 1) + 1;
      const dl = f32x4.splat(d * <f32>m);
      const nib = iq1_mNibble(src, ib, l);
      const delta = f32x4.splat(nib & 8 ? -IQ1_DELTA : IQ1_DELTA);
      const index = <u32>load<u8>(src + IQ1_M_QS_OFFSET + 4 * ib + l) | ((nib & 7) << 8);
      iq1Group(index, dl, delta, dst + (<usize>(32 * ib + 8 * l) << 2));
    }
  }
}

export function iq1_m_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 8; b++) iq1_mBlock(src + <usize>b * IQ1_M_BLOCK_BYTES, dst + <usize>b * OUT_BYTES);
}
