/**
 * Dot (matrix · vector, float32 activations) for the bnb 4-bit formats: bitsandbytes has no vec_dot, so the
 * reference dot is Σ decode(x)_j·y_j in float64 (the spec's tolerance.dot says so); each row goes through
 * the format's decode and the in-order float64 sum of packages/runtime-wasm/assembly/floatdot.ts.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/BLOCK_ELEMENTS blocks; y n float32; dst rows
 * float32; scratch n float32 from the module allocator, released before returning. The double-quantized
 * variants take the matrix as one tensor, as their reference encodes it (KERNEL-ABI.md): the offset and
 * the absmax2 of every group of ABSMAX2_PER elements first (a group may span rows), then every row's blocks.
 */
import { decodeDotRows, dotF32F64 } from '../../../packages/runtime-wasm/assembly/floatdot';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { decodeLut4DqBlocks, fp4_decode, fp4Lut } from './decode-4bit';
import {
  FP4_BLOCK_BYTES,
  FP4_BLOCK_ELEMENTS,
  FP4_DQ_ABSMAX2_PER,
  FP4_DQ_ABSMAX_CODE_OFFSET,
  FP4_DQ_BLOCK_BYTES,
  FP4_DQ_BLOCK_ELEMENTS,
  FP4_DQ_OFFSET_HEADER_OFFSET,
  FP4_DQ_QS_OFFSET,
} from './generated/constants';

export function fp4_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  decodeDotRows(fp4_decode, w, y, rows, n, dst, <usize>(n / FP4_BLOCK_ELEMENTS) * FP4_BLOCK_BYTES);
}

/** rows × n over a double-quantized matrix stored as one tensor: row r is blocks r·n/B .. (r + 1)·n/B − 1. */
@inline export function dotLut4Dq(w: usize, y: usize, rows: i32, n: i32, dst: usize, table: usize, blockElements: i32, blockBytes: i32, codeOffset: i32, qsOffset: i32, groupElements: i32, headerOffset: i32): void {
  const m = mark();
  const x = alloc(<usize>n << 2);
  const rowBlocks = n / blockElements;
  for (let r = 0; r < rows; r++) {
    decodeLut4DqBlocks(w, rows * n, r * rowBlocks, rowBlocks, x, table, blockElements, blockBytes, codeOffset, qsOffset, groupElements, headerOffset);
    store<f32>(dst + (<usize>r << 2), dotF32F64(x, y, n));
  }
  release(m);
}

export function fp4_dq_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {
  dotLut4Dq(w, y, rows, n, dst, fp4Lut(), FP4_DQ_BLOCK_ELEMENTS, FP4_DQ_BLOCK_BYTES, FP4_DQ_ABSMAX_CODE_OFFSET, FP4_DQ_QS_OFFSET, FP4_DQ_ABSMAX2_PER, FP4_DQ_OFFSET_HEADER_OFFSET);
}
