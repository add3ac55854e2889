/**
 * The bnb family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a kernel (runtime-wasm
 * discovers them by name), plus the allocator of KERNEL-ABI.md.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export { fp4_decode, fp4_dq_decode, nf4_bs128_decode, nf4_decode, nf4_dq_decode } from './decode-4bit';
export { fp4_dot, fp4_dq_dot, nf4_bs128_dot, nf4_dot, nf4_dq_dot } from './dot-float';
