/** @qbench/runtime-wasm: the wasm kernel ABI host and qbench's own wasm-simd128 kernels. */
export { AbiModule, CANARY_BYTES, checkAbi, instantiateAbi } from './abi.ts';
export { abiDecodeKernel, abiDotKernel, abiShape, type BlockShape } from './kernels.ts';
export {
  builtFamilies,
  builtRelaxedFamilies,
  familyModule,
  type WasmTarget,
  wasmBuildPath,
  wasmKernels,
  wasmRelaxedBuildPath,
} from './registry.ts';
