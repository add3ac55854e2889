/**
 * The gguf family's relaxed-SIMD module (built with `--enable relaxed-simd` into build/relaxed/): the dots
 * that relaxed SIMD makes faster, each bit-identical to its simd128 kernel, plus the KERNEL-ABI allocator.
 * q8_0 is the simd128 kernel itself (no relaxed form beats its int16-widened activation; see
 * dot-q8_0-partner.ts here), so this backend's q8_0 is never the slower one.
 */
export { alloc, copy, mark, release, reset } from '../../../../packages/runtime-wasm/assembly/memory';
export { q8_0_dot } from '../dot-q8_0-partner';
export { q4_0_dot } from './dot-q8_0-partner';
export { q4_k_dot } from './dot-q4_k';
