/**
 * The bfp family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a kernel
 * (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md. The kernels come from
 * codegen's wasm/generated/entries.ts: the hand-written ones re-exported from the modules that define them,
 * and the entry points of the specs a shared kernel serves.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export * from './generated/entries';
