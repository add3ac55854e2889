/**
 * Dot (matrix · vector, float32 activations) for the bnb 4-bit formats: bitsandbytes has no vec_dot, so the
 * reference dot is Σ decode(x)_j·y_j in float64 (the spec's tolerance.dot says so); each row goes through
 * the format's decode and the in-order float64 sum of packages/runtime-wasm/assembly/floatdot.ts.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/BLOCK_ELEMENTS blocks; y n float32; dst rows
 * float32; scratch n float32 from the module allocator, released before returning.
 */
import { decodeDotRows } from '../../../packages/runtime-wasm/assembly/floatdot';
import { fp4_decode, nf4_bs128_decode, nf4_decode } from './decode-4bit';
import {
  FP4_BLOCK_BYTES,
  FP4_BLOCK_ELEMENTS,
  NF4_BLOCK_BYTES,
  NF4_BLOCK_ELEMENTS,
  NF4_BS128_BLOCK_BYTES,
  NF4_BS128_BLOCK_ELEMENTS,
} from './generated/constants';

export function nf4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(nf4_decode, w, y, rows, n, dst, <usize>(n / NF4_BLOCK_ELEMENTS) * NF4_BLOCK_BYTES);
}
export function nf4_bs128_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(nf4_bs128_decode, w, y, rows, n, dst, <usize>(n / NF4_BS128_BLOCK_ELEMENTS) * NF4_BS128_BLOCK_BYTES);
}
export function fp4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(fp4_decode, w, y, rows, n, dst, <usize>(n / FP4_BLOCK_ELEMENTS) * FP4_BLOCK_BYTES);
}
