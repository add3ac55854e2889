/**
 * The gguf family's wasm-simd128 module: every export named `<format>_decode` or `<format>_dot` is a
 * kernel (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export { iq4_xs_decode, q2_k_decode, q3_k_decode, q4_k_decode, q5_k_decode, q6_k_decode, q8_k_decode } from './decode-kquants';
export {
  iq4_nl_decode,
  mxfp4_decode,
  q4_0_decode,
  q4_1_decode,
  q5_0_decode,
  q5_1_decode,
  q8_0_decode,
  q8_1_decode,
} from './decode-legacy';
export {
  iq1_m_decode,
  iq1_s_decode,
  iq2_s_decode,
  iq2_xs_decode,
  iq2_xxs_decode,
  iq3_s_decode,
  iq3_xxs_decode,
} from './decode-iquants';
export { iq1_m_dot, iq1_s_dot, iq2_s_dot, iq2_xs_dot, iq2_xxs_dot, iq3_s_dot, iq3_xxs_dot } from './dot-iquants';
export { iq4_nl_dot, mxfp4_dot, q4_0_dot, q5_0_dot, q8_0_dot } from './dot-q8_0-partner';
export { q4_1_dot, q5_1_dot } from './dot-q8_1-partner';
export { iq4_xs_dot, q2_k_dot, q3_k_dot, q4_k_dot, q5_k_dot, q6_k_dot } from './dot-q8_k-partner';
export { tq1_0_decode, tq2_0_decode } from './decode-ternary';
export { tq1_0_dot, tq2_0_dot } from './dot-ternary';
export { bf16_decode, bf16_dot, f16_decode, f16_dot, f32_decode, f32_dot } from './floats';
export { nvfp4_decode, nvfp4_dot, q1_0_decode, q1_0_dot, q2_0_decode, q2_0_dot } from './small-types';
