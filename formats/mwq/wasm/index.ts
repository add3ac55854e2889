/**
 * The mwq family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a kernel
 * (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md. Every mwq and Double Rounding
 * spec is served by the shared kernels of decode-mwq.ts, so all its entry points come from codegen.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export * from './generated/entries';
