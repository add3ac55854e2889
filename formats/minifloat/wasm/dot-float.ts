/**
 * Dot (matrix · vector, float32 activations) for the minifloat element streams and the OCP MX formats: the
 * sources define no vec_dot, so the reference dot is Σ decode(x)_j·y_j in float64 (the specs'
 * tolerance.dot says so); each row goes through the format's decode and the in-order float64 sum of
 * packages/runtime-wasm/assembly/floatdot.ts. NVFP4's matrix is one tensor (as its reference encodes a
 * rows × n tensor): the float32 tensor scale every row shares, then the rows; each row is decoded with that
 * scale (nvfp4Blocks, the decode's own loop) and summed the same way.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/BLOCK_ELEMENTS blocks (NVFP4: after the tensor
 * scale at TENSOR_SCALE_HEADER_OFFSET); y n float32; dst rows float32; scratch n float32 from the module
 * allocator, released before returning.
 */
import { decodeDotRows, dotF32F64 } from '../../../packages/runtime-wasm/assembly/floatdot';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import {
  e2m1_decode,
  e2m3_decode,
  e3m2_decode,
  e4m3fn_decode,
  e4m3fnuz_decode,
  e5m2_decode,
  e5m2fnuz_decode,
  e8m0_decode,
  LLMFP4_HEADER_BYTES,
  llmfp4Codes,
  mxfp4_e2m1_decode,
  mxfp6_e2m3_decode,
  mxfp6_e3m2_decode,
  mxfp8_e4m3_decode,
  mxfp8_e5m2_decode,
  mxint8_decode,
  nvfp4Blocks,
} from './decode-minifloat';
import {
  E2M1_BLOCK_BYTES,
  E2M1_BLOCK_ELEMENTS,
  E2M3_BLOCK_BYTES,
  E2M3_BLOCK_ELEMENTS,
  E3M2_BLOCK_BYTES,
  E3M2_BLOCK_ELEMENTS,
  E4M3FNUZ_BLOCK_BYTES,
  E4M3FNUZ_BLOCK_ELEMENTS,
  E4M3FN_BLOCK_BYTES,
  E4M3FN_BLOCK_ELEMENTS,
  E5M2FNUZ_BLOCK_BYTES,
  E5M2FNUZ_BLOCK_ELEMENTS,
  E5M2_BLOCK_BYTES,
  E5M2_BLOCK_ELEMENTS,
  E8M0_BLOCK_BYTES,
  E8M0_BLOCK_ELEMENTS,
  LLMFP4_BLOCK_BYTES,
  LLMFP4_BLOCK_ELEMENTS,
  MXFP4_E2M1_BLOCK_BYTES,
  MXFP4_E2M1_BLOCK_ELEMENTS,
  MXFP6_E2M3_BLOCK_BYTES,
  MXFP6_E2M3_BLOCK_ELEMENTS,
  MXFP6_E3M2_BLOCK_BYTES,
  MXFP6_E3M2_BLOCK_ELEMENTS,
  MXFP8_E4M3_BLOCK_BYTES,
  MXFP8_E4M3_BLOCK_ELEMENTS,
  MXFP8_E5M2_BLOCK_BYTES,
  MXFP8_E5M2_BLOCK_ELEMENTS,
  MXINT8_BLOCK_BYTES,
  MXINT8_BLOCK_ELEMENTS,
  NVFP4_TORCHAO_BLOCK_BYTES,
  NVFP4_TORCHAO_BLOCK_ELEMENTS,
  NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET,
} from './generated/constants';

export function e2m1_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e2m1_decode, w, y, rows, n, dst, <usize>(n / E2M1_BLOCK_ELEMENTS) * E2M1_BLOCK_BYTES);
}
export function e2m3_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e2m3_decode, w, y, rows, n, dst, <usize>(n / E2M3_BLOCK_ELEMENTS) * E2M3_BLOCK_BYTES);
}
export function e3m2_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e3m2_decode, w, y, rows, n, dst, <usize>(n / E3M2_BLOCK_ELEMENTS) * E3M2_BLOCK_BYTES);
}
export function e4m3fn_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e4m3fn_decode, w, y, rows, n, dst, <usize>(n / E4M3FN_BLOCK_ELEMENTS) * E4M3FN_BLOCK_BYTES);
}
export function e4m3fnuz_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e4m3fnuz_decode, w, y, rows, n, dst, <usize>(n / E4M3FNUZ_BLOCK_ELEMENTS) * E4M3FNUZ_BLOCK_BYTES);
}
export function e5m2_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e5m2_decode, w, y, rows, n, dst, <usize>(n / E5M2_BLOCK_ELEMENTS) * E5M2_BLOCK_BYTES);
}
export function e5m2fnuz_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e5m2fnuz_decode, w, y, rows, n, dst, <usize>(n / E5M2FNUZ_BLOCK_ELEMENTS) * E5M2FNUZ_BLOCK_BYTES);
}
export function e8m0_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(e8m0_decode, w, y, rows, n, dst, <usize>(n / E8M0_BLOCK_ELEMENTS) * E8M0_BLOCK_BYTES);
}
export function mxfp4_e2m1_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxfp4_e2m1_decode, w, y, rows, n, dst, <usize>(n / MXFP4_E2M1_BLOCK_ELEMENTS) * MXFP4_E2M1_BLOCK_BYTES);
}
export function mxfp6_e2m3_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxfp6_e2m3_decode, w, y, rows, n, dst, <usize>(n / MXFP6_E2M3_BLOCK_ELEMENTS) * MXFP6_E2M3_BLOCK_BYTES);
}
export function mxfp6_e3m2_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxfp6_e3m2_decode, w, y, rows, n, dst, <usize>(n / MXFP6_E3M2_BLOCK_ELEMENTS) * MXFP6_E3M2_BLOCK_BYTES);
}
export function mxfp8_e4m3_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxfp8_e4m3_decode, w, y, rows, n, dst, <usize>(n / MXFP8_E4M3_BLOCK_ELEMENTS) * MXFP8_E4M3_BLOCK_BYTES);
}
export function mxfp8_e5m2_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxfp8_e5m2_decode, w, y, rows, n, dst, <usize>(n / MXFP8_E5M2_BLOCK_ELEMENTS) * MXFP8_E5M2_BLOCK_BYTES);
}
export function mxint8_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(mxint8_decode, w, y, rows, n, dst, <usize>(n / MXINT8_BLOCK_ELEMENTS) * MXINT8_BLOCK_BYTES);
}
export function nvfp4_torchao_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  const t = load<f32>(w + NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET);
  const first = w + NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET + sizeof<f32>();
  const rowBytes = <usize>(n / NVFP4_TORCHAO_BLOCK_ELEMENTS) * NVFP4_TORCHAO_BLOCK_BYTES;
  const m = mark();
  const x = alloc(<usize>n << 2);
  for (let r = 0; r < rows; r++) {
    nvfp4Blocks(t, first + <usize>r * rowBytes, n, x);
    store<f32>(dst + (<usize>r << 2), dotF32F64(x, y, n));
  }
  release(m);
}
export function llmfp4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  // one tensor: the header (scale, split) every row shares, then the rows
  const rowBytes = <usize>(n / LLMFP4_BLOCK_ELEMENTS) * LLMFP4_BLOCK_BYTES;
  const m = mark();
  const x = alloc(<usize>n << 2);
  for (let r = 0; r < rows; r++) {
    llmfp4Codes(w, w + LLMFP4_HEADER_BYTES + <usize>r * rowBytes, n, x);
    store<f32>(dst + (<usize>r << 2), dotF32F64(x, y, n));
  }
  release(m);
}
