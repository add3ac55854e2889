/**
 * @qbench/kernels: the kernel layer every suite, `qbench validate` and the benchmarks share — the kernel
 * registry, the one conformance harness (and its one case list), the external-kernel host, the timing loop
 * and the memory-copy yardsticks each backend's throughput is set against.
 */
export { loadWgslFile } from '@qbench/runtime-webgpu';
export {
  atOddOffset,
  BLOCK_COUNTS,
  type ConformOptions,
  conformKernel,
  type KernelConformance,
  summarizeFailures,
} from './conformance.ts';
export { type ExternalKernel, loadExternalKernel } from './external/host.ts';
export { gbps, type Timing, type TimingOptions, timeRuns } from './measure.ts';
export { type KernelListing, listKernels, loadableFormats, referenceKernels } from './registry.ts';
export {
  againstOwnCopy,
  type Bandwidth,
  type DeviceBandwidth,
  DOT_N,
  deviceBandwidth,
  FULL_ELEMENTS,
  type Measurement,
  machineInfo,
  makeCase,
  measureKernel,
  memoryBandwidth,
  QUICK_DEVICE_COPY_BYTES,
  QUICK_ELEMENTS,
  type ThroughputCase,
  toMeasurement,
} from './throughput.ts';
