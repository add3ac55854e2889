/**
 * Dot (matrix · vector) for the seven i-quants against q8_k activations, as their ggml generic vec_dots
 * (ggml_vec_dot_<type>_q8_K_generic): the activation row is quantized once (quantize-q8_k.ts); per 16
 * weights one v128 of signed grid codes (iquants-common.ts) is multiplied with the q8 bytes into exact
 * int32 sums (dotI8x16), weighted by the integer sub-block scale as the reference does, and the float32
 * steps are the reference's, in its order:
 *   iq2_xxs, iq2_xs, iq2_s: sumf += (dx·dy)·bsum, result 0.125·sumf
 *   iq3_xxs: sumf += (dx·dy)·bsum, result 0.25·sumf;  iq3_s: result sumf
 *   iq1_s: sumf += (dx·dy)·(sumi + 0.125·sumi1), sumi1 = Σ ls·delta·bsums (the q8_k block's int16 sums)
 *   iq1_m: sumf += (d·dy)·(sumi1 + 0.125·sumi2), sumi2 = Σ ls·(±Σq8 per group of 8)
 * Integer sums are exact in any order, so the results are bit-identical to the reference's.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/256 blocks; y n float32; dst rows float32;
 * scratch n/256 q8_k blocks from the module allocator, released before returning.
 */
import { f16ToF32 } from '../../../packages/runtime-wasm/assembly/float';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { dotI8x16, sumI32x4 } from '../../../packages/runtime-wasm/assembly/simd';
import { iq1_mHalfScale, iq1_mNibble, iq1_mScale } from './decode-iquants';
import {
  IQ1_M_BLOCK_BYTES,
  IQ1_M_QS_OFFSET,
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
  Q8_K_BLOCK_BYTES,
  Q8_K_BSUMS_OFFSET,
  Q8_K_D_OFFSET,
  Q8_K_QS_OFFSET,
} from './generated/constants';
import { grid4x2, grid8, IQ1_DELTA, ksigns, signedCodes } from './iquants-common';
import { quantizeRowQ8_K } from './quantize-q8_k';

/** Exact Σ codes·q8 over 16 lanes (q8 at `y`). */
@inline function dot16(codes: v128, y: usize): i32 {
  return sumI32x4(dotI8x16(codes, v128.load(y)));
}

/** dx·dy of a block: fp16 d of the weights times the q8_k block's float32 d. */
@inline function dxy(x: usize, dOffset: i32, yb: usize): f32 {
  return f16ToF32(load<u16>(x + dOffset)) * load<f32>(yb + Q8_K_D_OFFSET);
}

@inline function iq2_xxsRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ2_XXS_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let bsum: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const o = x + IQ2_XXS_QS_OFFSET + 8 * ib;
      const aux0 = load<u32>(o);
      const aux1 = load<u32>(o + 4);
      const y = yb + Q8_K_QS_OFFSET + 32 * ib;
      let sumi: i32 = 0;
      for (let h = 0; h < 2; h++) {
        const l = 2 * h;
        const codes = signedCodes(
          grid8(IQ2_XXS_IQ2XXS_GRID, (aux0 >> (8 * l)) & 0xff),
          grid8(IQ2_XXS_IQ2XXS_GRID, (aux0 >> (8 * l + 8)) & 0xff),
          ksigns(aux1 >> (7 * l)),
          ksigns(aux1 >> (7 * l + 7)),
        );
        sumi += dot16(codes, y + 16 * h);
      }
      bsum += sumi * <i32>(2 * (aux1 >> 28) + 1);
    }
    sumf += dxy(x, IQ2_XXS_D_OFFSET, yb) * <f32>bsum;
  }
  return <f32>0.125 * sumf;
}

@inline function iq2_xsRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ2_XS_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let bsum: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const sc = <u32>load<u8>(x + IQ2_XS_SCALES_OFFSET + ib);
      for (let h = 0; h < 2; h++) {
        const q = x + IQ2_XS_QS_OFFSET + 8 * ib + 4 * h;
        const v0 = <u32>load<u16>(q);
        const v1 = <u32>load<u16>(q + 2);
        const codes = signedCodes(grid8(IQ2_XS_IQ2XS_GRID, v0 & 511), grid8(IQ2_XS_IQ2XS_GRID, v1 & 511), ksigns(v0 >> 9), ksigns(v1 >> 9));
        bsum += dot16(codes, yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h) * <i32>(2 * ((sc >> (4 * h)) & 0xf) + 1);
      }
    }
    sumf += dxy(x, IQ2_XS_D_OFFSET, yb) * <f32>bsum;
  }
  return <f32>0.125 * sumf;
}

@inline function iq2_sIndex(x: usize, ib: i32, l: i32): u32 {
  return <u32>load<u8>(x + IQ2_S_QS_OFFSET + 4 * ib + l) | ((<u32>load<u8>(x + IQ2_S_QH_OFFSET + ib) << (8 - 2 * l)) & 0x300);
}

@inline function iq2_sRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ2_S_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let bsum: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const sc = <u32>load<u8>(x + IQ2_S_SCALES_OFFSET + ib);
      for (let h = 0; h < 2; h++) {
        const l = 2 * h;
        const s = x + IQ2_S_SIGNS_OFFSET + 4 * ib + l;
        const codes = signedCodes(
          grid8(IQ2_S_IQ2S_GRID, iq2_sIndex(x, ib, l)),
          grid8(IQ2_S_IQ2S_GRID, iq2_sIndex(x, ib, l + 1)),
          <u32>load<u8>(s),
          <u32>load<u8>(s + 1),
        );
        bsum += dot16(codes, yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h) * <i32>(2 * ((sc >> (4 * h)) & 0xf) + 1);
      }
    }
    sumf += dxy(x, IQ2_S_D_OFFSET, yb) * <f32>bsum;
  }
  return <f32>0.125 * sumf;
}

@inline function iq3_xxsRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ3_XXS_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let bsum: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const aux = load<u32>(x + IQ3_XXS_SCALES_AND_SIGNS_OFFSET + 4 * ib);
      const q = x + IQ3_XXS_QS_OFFSET + 8 * ib;
      let sumi: i32 = 0;
      for (let h = 0; h < 2; h++) {
        const l = 2 * h;
        const p = q + 2 * l;
        const codes = signedCodes(
          grid4x2(IQ3_XXS_IQ3XXS_GRID, <u32>load<u8>(p), <u32>load<u8>(p + 1)),
          grid4x2(IQ3_XXS_IQ3XXS_GRID, <u32>load<u8>(p + 2), <u32>load<u8>(p + 3)),
          ksigns(aux >> (7 * l)),
          ksigns(aux >> (7 * l + 7)),
        );
        sumi += dot16(codes, yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h);
      }
      bsum += sumi * <i32>(2 * (aux >> 28) + 1);
    }
    sumf += dxy(x, IQ3_XXS_D_OFFSET, yb) * <f32>bsum;
  }
  return <f32>0.25 * sumf;
}

@inline function iq3_sIndex(x: usize, ib: i32, k: i32): u32 {
  return <u32>load<u8>(x + IQ3_S_QS_OFFSET + 8 * ib + k) | (((<u32>load<u8>(x + IQ3_S_QH_OFFSET + ib) >> k) & 1) << 8);
}

@inline function iq3_sRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ3_S_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let bsum: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const ls = (<u32>load<u8>(x + IQ3_S_SCALES_OFFSET + (ib >> 1)) >> (4 * (ib & 1))) & 0xf;
      let sumi: i32 = 0;
      for (let h = 0; h < 2; h++) {
        const k = 4 * h;
        const s = x + IQ3_S_SIGNS_OFFSET + 4 * ib + 2 * h;
        const codes = signedCodes(
          grid4x2(IQ3_S_IQ3S_GRID, iq3_sIndex(x, ib, k), iq3_sIndex(x, ib, k + 1)),
          grid4x2(IQ3_S_IQ3S_GRID, iq3_sIndex(x, ib, k + 2), iq3_sIndex(x, ib, k + 3)),
          <u32>load<u8>(s),
          <u32>load<u8>(s + 1),
        );
        sumi += dot16(codes, yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h);
      }
      bsum += sumi * <i32>(2 * ls + 1);
    }
    sumf += dxy(x, IQ3_S_D_OFFSET, yb) * <f32>bsum;
  }
  return sumf;
}

/** Two iq1s_grid entries (lanes 0..7, 8..15) as int8 codes −1, 0, 1. */
@inline function iq1Codes(a: u32, b: u32): v128 {
  return i64x2.replace_lane(i64x2.splat(<i64>grid8(IQ1_S_IQ1S_GRID, a)), 1, <i64>grid8(IQ1_S_IQ1S_GRID, b));
}

@inline function iq1_sRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ1_S_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let sumi: i32 = 0;
    let sumi1: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      const qh = <u32>load<u16>(x + IQ1_S_QH_OFFSET + 2 * ib);
      const ls = <i32>(2 * ((qh >> 12) & 7) + 1);
      const q = x + IQ1_S_QS_OFFSET + 4 * ib;
      let lsum: i32 = 0;
      for (let h = 0; h < 2; h++) {
        const l = 2 * h;
        const a = <u32>load<u8>(q + l) | (((qh >> (3 * l)) & 7) << 8);
        const c = <u32>load<u8>(q + l + 1) | (((qh >> (3 * l + 3)) & 7) << 8);
        lsum += dot16(iq1Codes(a, c), yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h);
      }
      sumi += ls * lsum;
      const bs = <i32>load<i16>(yb + Q8_K_BSUMS_OFFSET + 4 * ib) + <i32>load<i16>(yb + Q8_K_BSUMS_OFFSET + 4 * ib + 2);
      sumi1 += qh & 0x8000 ? -ls * bs : ls * bs;
    }
    sumf += dxy(x, IQ1_S_D_OFFSET, yb) * (<f32>sumi + IQ1_DELTA * <f32>sumi1);
  }
  return sumf;
}

@inline function iq1_mRow(w: usize, yq: usize, blocks: i32): f32 {
  let sumf: f32 = 0;
  const ones = i8x16.splat(1);
  for (let b = 0; b < blocks; b++) {
    const x = w + <usize>b * IQ1_M_BLOCK_BYTES;
    const yb = yq + <usize>b * Q8_K_BLOCK_BYTES;
    let sumi1: i32 = 0;
    let sumi2: i32 = 0;
    for (let ib = 0; ib < 8; ib++) {
      for (let h = 0; h < 2; h++) {
        const l = 2 * h;
        const n0 = iq1_mNibble(x, ib, l);
        const n1 = iq1_mNibble(x, ib, l + 1);
        const q = x + IQ1_M_QS_OFFSET + 4 * ib + l;
        const a = <u32>load<u8>(q) | ((n0 & 7) << 8);
        const c = <u32>load<u8>(q + 1) | ((n1 & 7) << 8);
        const y = yb + Q8_K_QS_OFFSET + 32 * ib + 16 * h;
        // ±1 per group of 8: −1 where the group's shift sign (nibble bit 3) is set
        const neg = i64x2.replace_lane(i64x2.splat(n0 & 8 ? -1 : 0), 1, n1 & 8 ? -1 : 0);
        const pm = i8x16.sub(v128.xor(ones, neg), neg);
        const ls = <i32>(2 * iq1_mHalfScale(x, ib, h) + 1);
        sumi1 += dot16(iq1Codes(a, c), y) * ls;
        sumi2 += dot16(pm, y) * ls;
      }
    }
    const dy = iq1_mScale(x) * load<f32>(yb + Q8_K_D_OFFSET);
    sumf += dy * (<f32>sumi1 + IQ1_DELTA * <f32>sumi2);
  }
  return sumf;
}

@inline function prepare(y: usize, n: i32): usize {
  const yq = alloc(<usize>(n >>> 8) * Q8_K_BLOCK_BYTES);
  quantizeRowQ8_K(y, n, yq);
  return yq;
}

export function iq2_xxs_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ2_XXS_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq2_xxsRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq2_xs_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ2_XS_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq2_xsRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq2_s_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ2_S_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq2_sRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq3_xxs_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ3_XXS_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq3_xxsRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq3_s_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ3_S_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq3_sRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq1_s_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ1_S_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq1_sRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}

export function iq1_m_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const m = mark();
  const yq = prepare(y, n);
  const blocks = n >>> 8;
  const rowBytes = <usize>blocks * IQ1_M_BLOCK_BYTES;
  for (let r = 0; r < rows; r++) store<f32>(dst + (<usize>r << 2), iq1_mRow(w + <usize>r * rowBytes, yq, blocks));
  release(m);
}
