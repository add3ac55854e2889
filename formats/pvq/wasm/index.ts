/**
 * The pvq family's wasm-simd128 module: every export named `<format>_decode` is a kernel (runtime-wasm
 * discovers them by name), plus the allocator of KERNEL-ABI.md. The decode itself is decode-pvq.ts.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export { pvq_d32_k17_decode, pvq_d32_k41_decode, pvq_d32_k41_rht_decode, pvq_d32_k87_decode } from './decode-pvq';
