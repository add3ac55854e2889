/**
 * The ifairy family's wasm-simd128 module (kernels named `<format>_decode` / `<format>_dot`, discovered by
 * runtime-wasm), plus the allocator of KERNEL-ABI.md: the decodes are in decode.ts, the multiplication-free
 * dots in dot.ts.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export { ifairy_decode, ifairy_w2_decode } from './decode';
export { ifairy_dot, ifairy_w2_dot } from './dot';
