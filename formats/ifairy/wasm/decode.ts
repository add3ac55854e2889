/**
 * Decode of iFairy's complex phase codes: every complex weight t has a 2-bit code k per stage, decoding to
 * s_re·Re(i^k) + i·s_im·Im(i^k) (k = 0: +s_re, 1: +i·s_im, 2: −s_re, 3: −i·s_im; the other part +0); stages
 * add up in float32 from +0, stage by stage, as the reference does (so −s_re + 0 keeps its sign and a lone
 * −0 becomes +0, bit for bit).
 *
 * Memory map of `<id>_decode(src, n, dst)`: src = the per-tensor scales (float32 LE, s_re then s_im per
 * stage, at the generated *_HEADER_OFFSET constants), then n/8 blocks of 4 complex weights, one code byte
 * per stage (complex weight t at bits 2t..2t+1); dst n float32 (Re, Im interleaved).
 */
import {
  IFAIRY_BLOCK_BYTES,
  IFAIRY_BLOCK_ELEMENTS,
  IFAIRY_CODES_OFFSET,
  IFAIRY_S_IM_HEADER_OFFSET,
  IFAIRY_S_RE_HEADER_OFFSET,
  IFAIRY_W2_BLOCK_BYTES,
  IFAIRY_W2_BLOCK_ELEMENTS,
  IFAIRY_W2_CODES1_OFFSET,
  IFAIRY_W2_CODES2_OFFSET,
  IFAIRY_W2_S_IM_HEADER_OFFSET,
  IFAIRY_W2_S_IM2_HEADER_OFFSET,
  IFAIRY_W2_S_RE_HEADER_OFFSET,
  IFAIRY_W2_S_RE2_HEADER_OFFSET,
} from './generated/constants';


/** Real part of stage code k's value (+s_re, +0, −s_re, +0). */
@inline function re(k: u32, sRe: f32): f32 {
  return k == 0 ? sRe : k == 2 ? -sRe : 0;
}

/** Imaginary part of stage code k's value (+0, +s_im, +0, −s_im). */
@inline function im(k: u32, sIm: f32): f32 {
  return k == 1 ? sIm : k == 3 ? -sIm : 0;
}

export function ifairy_decode(src: usize, n: i32, dst: usize): void {
  const sRe = load<f32>(src + IFAIRY_S_RE_HEADER_OFFSET);
  const sIm = load<f32>(src + IFAIRY_S_IM_HEADER_OFFSET);
  const first = src + IFAIRY_S_IM_HEADER_OFFSET + sizeof<f32>();
  const blocks = n / IFAIRY_BLOCK_ELEMENTS;
  for (let b = 0; b < blocks; b++) {
    const c = <u32>load<u8>(first + <usize>b * IFAIRY_BLOCK_BYTES + IFAIRY_CODES_OFFSET);
    const out = dst + ((<usize>b * IFAIRY_BLOCK_ELEMENTS) << 2);
    for (let t = 0; t < 4; t++) {
      const k = (c >> (2 * t)) & 3;
      store<f32>(out + (<usize>t << 3), <f32>0 + re(k, sRe));
      store<f32>(out + (<usize>t << 3) + 4, <f32>0 + im(k, sIm));
    }
  }
}

export function ifairy_w2_decode(src: usize, n: i32, dst: usize): void {
  const sRe1 = load<f32>(src + IFAIRY_W2_S_RE_HEADER_OFFSET);
  const sIm1 = load<f32>(src + IFAIRY_W2_S_IM_HEADER_OFFSET);
  const sRe2 = load<f32>(src + IFAIRY_W2_S_RE2_HEADER_OFFSET);
  const sIm2 = load<f32>(src + IFAIRY_W2_S_IM2_HEADER_OFFSET);
  const first = src + IFAIRY_W2_S_IM2_HEADER_OFFSET + sizeof<f32>();
  const blocks = n / IFAIRY_W2_BLOCK_ELEMENTS;
  for (let b = 0; b < blocks; b++) {
    const block = first + <usize>b * IFAIRY_W2_BLOCK_BYTES;
    const c1 = <u32>load<u8>(block + IFAIRY_W2_CODES1_OFFSET);
    const c2 = <u32>load<u8>(block + IFAIRY_W2_CODES2_OFFSET);
    const out = dst + ((<usize>b * IFAIRY_W2_BLOCK_ELEMENTS) << 2);
    for (let t = 0; t < 4; t++) {
      const k1 = (c1 >> (2 * t)) & 3;
      const k2 = (c2 >> (2 * t)) & 3;
      store<f32>(out + (<usize>t << 3), <f32>0 + re(k1, sRe1) + re(k2, sRe2));
      store<f32>(out + (<usize>t << 3) + 4, <f32>0 + im(k1, sIm1) + im(k2, sIm2));
    }
  }
}
