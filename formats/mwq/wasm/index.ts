/**
 * The mwq family's wasm-simd128 module (kernels named `<format>_decode`, discovered by runtime-wasm), plus
 * the allocator of KERNEL-ABI.md.
 *
 * Decode of MWQ (bit-plane slices of an int8 master): ŵ_i = α_g·(S_i·2^(masterBits − r) − z_g), the exact
 * integer times the group's float32 scale, rounded once (bit-exact with the reference). The slice mode
 * (round / truncate) only matters to the encoder.
 *
 * Memory map of `<id>_decode(src, n, dst)`: src = the side info of the n/groupSize groups (float32 LE
 * scales α, then uint8 zero points z), then r bit planes of ⌈n/8⌉ bytes each, most significant first
 * (plane p holds bit r−1−p of every code, weight i at bit i mod 8 of byte ⌊i/8⌋); dst n float32.
 * The side info precedes the planes, so the kernel takes the whole tensor (KERNEL-ABI.md: side info first).
 */
import {
  MWQ_8_PARAM_BITS,
  MWQ_8_PARAM_GROUP_SIZE,
  MWQ_8_PARAM_MASTER_BITS,
  MWQ_R2_PARAM_BITS,
  MWQ_R2_PARAM_GROUP_SIZE,
  MWQ_R2_PARAM_MASTER_BITS,
  MWQ_R3_PARAM_BITS,
  MWQ_R3_PARAM_GROUP_SIZE,
  MWQ_R3_PARAM_MASTER_BITS,
  MWQ_R4_PARAM_BITS,
  MWQ_R4_PARAM_GROUP_SIZE,
  MWQ_R4_PARAM_MASTER_BITS,
  MWQ_R4_TRUNC_PARAM_BITS,
  MWQ_R4_TRUNC_PARAM_GROUP_SIZE,
  MWQ_R4_TRUNC_PARAM_MASTER_BITS,
  MWQ_R5_PARAM_BITS,
  MWQ_R5_PARAM_GROUP_SIZE,
  MWQ_R5_PARAM_MASTER_BITS,
  MWQ_R6_PARAM_BITS,
  MWQ_R6_PARAM_GROUP_SIZE,
  MWQ_R6_PARAM_MASTER_BITS,
  MWQ_R7_PARAM_BITS,
  MWQ_R7_PARAM_GROUP_SIZE,
  MWQ_R7_PARAM_MASTER_BITS,
} from './generated/constants';

export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';

@inline function decodeMwq(src: usize, n: i32, dst: usize, r: i32, masterBits: i32, groupSize: i32): void {
  const groups = n / groupSize;
  const zeros = src + (<usize>groups << 2);
  const planes = zeros + <usize>groups;
  const pb = <usize>((n + 7) >> 3);
  const shift = masterBits - r;
  for (let i = 0; i < n; i++) {
    const j = <usize>(i >> 3);
    const k = i & 7;
    let code = 0;
    for (let p = 0; p < r; p++) code = (code << 1) | ((<i32>load<u8>(planes + <usize>p * pb + j) >> k) & 1);
    const g = <usize>(i / groupSize);
    store<f32>(dst + (<usize>i << 2), load<f32>(src + (g << 2)) * <f32>((code << shift) - <i32>load<u8>(zeros + g)));
  }
}

export function mwq_8_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_8_PARAM_BITS, MWQ_8_PARAM_MASTER_BITS, MWQ_8_PARAM_GROUP_SIZE);
}

export function mwq_r2_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R2_PARAM_BITS, MWQ_R2_PARAM_MASTER_BITS, MWQ_R2_PARAM_GROUP_SIZE);
}

export function mwq_r3_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R3_PARAM_BITS, MWQ_R3_PARAM_MASTER_BITS, MWQ_R3_PARAM_GROUP_SIZE);
}

export function mwq_r4_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R4_PARAM_BITS, MWQ_R4_PARAM_MASTER_BITS, MWQ_R4_PARAM_GROUP_SIZE);
}

export function mwq_r4_trunc_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R4_TRUNC_PARAM_BITS, MWQ_R4_TRUNC_PARAM_MASTER_BITS, MWQ_R4_TRUNC_PARAM_GROUP_SIZE);
}

export function mwq_r5_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R5_PARAM_BITS, MWQ_R5_PARAM_MASTER_BITS, MWQ_R5_PARAM_GROUP_SIZE);
}

export function mwq_r6_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R6_PARAM_BITS, MWQ_R6_PARAM_MASTER_BITS, MWQ_R6_PARAM_GROUP_SIZE);
}

export function mwq_r7_decode(src: usize, n: i32, dst: usize): void {
  decodeMwq(src, n, dst, MWQ_R7_PARAM_BITS, MWQ_R7_PARAM_MASTER_BITS, MWQ_R7_PARAM_GROUP_SIZE);
}
