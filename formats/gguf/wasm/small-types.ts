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

export function q1_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 7; b++) {
    const x = src + <usize>b * Q1_0_BLOCK_BYTES;
    const d = f16ToF32(<u32>load<u16>(x + Q1_0_D_OFFSET));
    const out = dst + ((<usize>b << 7) << 2);
    for (let j = 0; j < 128; j++) {
      const bit = (<u32>load<u8>(x + Q1_0_QS_OFFSET + <usize>(j >>> 3)) >>> (j & 7)) & 1;
      store<f32>(out + (<usize>j << 2), bit ? d : -d);
    }
  }
}

export function q2_0_decode(src: usize, n: i32, dst: usize): void {
  for (let b = 0; b < n >>> 6; b++) {
    const x = src + <usize>b * Q2_0_BLOCK_BYTES;
    const d = f16ToF32(<u32>load<u16>(x + Q2_0_D_OFFSET));
    const out = dst + ((<usize>b << 6) << 2);
    for (let j = 0; j < 64; j++) {
      const c = (<i32>load<u8>(x + Q2_0_QS_OFFSET + <usize>(j >>> 2)) >>> (2 * (j & 3))) & 3;
      store<f32>(out + (<usize>j << 2), <f32>(c - 1) * d);
    }
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
