/**
 * The minifloat family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a
 * kernel (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md. The formats a shared
 * kernel serves (plain element streams, OCP MX) get their entry points from codegen.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export * from './generated/entries';
export { llmfp4_decode, nvfp4_torchao_decode } from './decode-minifloat';
export { llmfp4_dot, nvfp4_torchao_dot } from './dot-float';
