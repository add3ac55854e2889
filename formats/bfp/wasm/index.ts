/**
 * The bfp family's wasm-simd128 module: every export named `<format>_decode` is a kernel (runtime-wasm
 * discovers them by name), plus the allocator of KERNEL-ABI.md.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export { bfp12_ksort_decode, bfp16_decode, msfp12_decode, msfp16_decode } from './decode-bfp';
export { bfp16_dot, msfp12_dot, msfp16_dot } from './dot-float';
