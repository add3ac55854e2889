/** @qbench/runtime-webgpu: WGSL kernels through WebGPU (Dawn in Node, navigator.gpu in browsers). */

export { copyPattern, DEVICE_COPY_BYTES, type DeviceCopy, prepareDeviceCopy } from './copy-bandwidth.ts';
export { computePipeline, DEFAULT_WORKGROUP_SIZE, type DecodeShape, gpuDecodeKernel } from './decode.ts';
export { adapterName, type GpuAvailability, type GpuContext, getGpu } from './device.ts';
export { type DotShape, gpuDotKernel } from './dot.ts';
export { dispatchTimed, grid, type LaunchInit, launchKernel, PassTimer } from './launch.ts';
export { loadWgslFile, type WebGpuListing, webgpuKernelSources, webgpuKernels } from './registry.ts';
export {
  assembleElementShader,
  assembleShader,
  type ElementFile,
  familyOfFormat,
  listElementFiles,
  listShaderFiles,
  type ShaderFile,
} from './shaders.ts';
