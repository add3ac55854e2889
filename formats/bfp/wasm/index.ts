/**
 * The bfp family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a kernel
 * (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md. The plain BFP formats get their
 * entry points from codegen (wasm/generated/entries.ts); bfp12_ksort's permuted rows have a decode of their own.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export * from './generated/entries';
export { bfp12_ksort_decode } from './decode-bfp';
