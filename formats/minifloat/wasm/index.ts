/**
 * The minifloat family's wasm-simd128 module: every export named `<format>_decode` is a kernel
 * (runtime-wasm discovers them by name), plus the allocator of KERNEL-ABI.md.
 */
export { alloc, copy, mark, release, reset } from '../../../packages/runtime-wasm/assembly/memory';
export {
  e2m1_decode,
  e2m3_decode,
  e3m2_decode,
  e4m3fn_decode,
  e4m3fnuz_decode,
  e5m2_decode,
  e5m2fnuz_decode,
  e8m0_decode,
  llmfp4_decode,
  mxfp4_e2m1_decode,
  mxfp6_e2m3_decode,
  mxfp6_e3m2_decode,
  mxfp8_e4m3_decode,
  mxfp8_e5m2_decode,
  mxint8_decode,
  nvfp4_torchao_decode,
} from './decode-minifloat';
export {
  e2m1_dot,
  e2m3_dot,
  e3m2_dot,
  e4m3fn_dot,
  e4m3fnuz_dot,
  e5m2_dot,
  e5m2fnuz_dot,
  e8m0_dot,
  llmfp4_dot,
  mxfp4_e2m1_dot,
  mxfp6_e2m3_dot,
  mxfp6_e3m2_dot,
  mxfp8_e4m3_dot,
  mxfp8_e5m2_dot,
  mxint8_dot,
  nvfp4_torchao_dot,
} from './dot-float';
