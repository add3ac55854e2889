/**
 * Dot (matrix · vector, float32 activations) for block floating point: the sources define no vec_dot, so
 * the reference dot is Σ decode(x)_j·y_j in float64 (the spec's tolerance.dot says so); each row goes
 * through the format's decode and the in-order float64 sum of packages/runtime-wasm/assembly/floatdot.ts.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/BLOCK_ELEMENTS blocks; y n float32; dst rows
 * float32; scratch n float32 from the module allocator, released before returning.
 */
import { decodeDotRows } from '../../../packages/runtime-wasm/assembly/floatdot';
import { bfp16_decode, msfp12_decode, msfp16_decode } from './decode-bfp';
import {
  BFP16_BLOCK_BYTES,
  BFP16_BLOCK_ELEMENTS,
  MSFP12_BLOCK_BYTES,
  MSFP12_BLOCK_ELEMENTS,
  MSFP16_BLOCK_BYTES,
  MSFP16_BLOCK_ELEMENTS,
} from './generated/constants';

export function bfp16_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(bfp16_decode, w, y, rows, n, dst, <usize>(n / BFP16_BLOCK_ELEMENTS) * BFP16_BLOCK_BYTES);
}
export function msfp16_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(msfp16_decode, w, y, rows, n, dst, <usize>(n / MSFP16_BLOCK_ELEMENTS) * MSFP16_BLOCK_BYTES);
}
export function msfp12_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(msfp12_decode, w, y, rows, n, dst, <usize>(n / MSFP12_BLOCK_ELEMENTS) * MSFP12_BLOCK_BYTES);
}
