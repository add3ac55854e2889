/**
 * Dot (matrix · vector, float32 activations) for the minifloat formats with a decode of their own: the
 * sources define no vec_dot, so the reference dot is Σ decode(x)_j·y_j in float64 (the specs' tolerance.dot
 * says so), the in-order float64 sum of packages/runtime-wasm/assembly/floatdot.ts. (The element streams' and
 * OCP MX formats' dots, each row through the format's decode, are generated: wasm/generated/entries.ts.)
 * NVFP4's matrix is one tensor (as its reference encodes a rows × n tensor): the float32 tensor scale every
 * row shares, then the rows; each row is decoded with that scale (nvfp4Blocks, the decode's own loop) and
 * summed the same way. LLM-FP4 likewise shares its header (scale, split) across the rows.
 *
 * Memory map of `<id>_dot(w, y, rows, n, dst)`: w rows × n/BLOCK_ELEMENTS blocks (NVFP4: after the tensor
 * scale at TENSOR_SCALE_HEADER_OFFSET); y n float32; dst rows float32; scratch n float32 from the module
 * allocator, released before returning.
 */
import { dotF32F64 } from '../../../packages/runtime-wasm/assembly/floatdot';
import { alloc, mark, release } from '../../../packages/runtime-wasm/assembly/memory';
import { LLMFP4_HEADER_BYTES, llmfp4Codes, nvfp4Blocks } from './decode-minifloat';
import {
  LLMFP4_BLOCK_BYTES,
  LLMFP4_BLOCK_ELEMENTS,
  NVFP4_TORCHAO_BLOCK_BYTES,
  NVFP4_TORCHAO_BLOCK_ELEMENTS,
  NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET,
} from './generated/constants';

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
