/**
 * @qbench/kernels: the kernel layer every suite, `qbench validate` and the benchmarks share — the backend
 * plugins (backends/, one folder each), the kernel registry over them, the one conformance harness (and its
 * one case list), the external-kernel host, the timing loop and the memory-copy yardsticks each backend's
 * throughput is set against.
 */
export type {
  BackendListing,
  CopyBandwidth,
  CopyYardstick,
  ExternalForm,
  ExternalLoadOptions,
  KernelBackend,
  LoadedExternal,
} from './backends/backend.ts';
export { BACKEND_IDS, BACKENDS, backendById, backendForFile } from './backends/index.ts';
export { referenceKernels } from './backends/reference/index.ts';
export { QUICK_DEVICE_COPY_BYTES } from './backends/webgpu/index.ts';
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
export {
  type KernelListing,
  type ListOptions,
  type LoadableFormats,
  listKernels,
  loadableFormats,
} from './registry.ts';
export {
  againstOwnCopy,
  DOT_N,
  FULL_ELEMENTS,
  type Measurement,
  makeCase,
  measureKernel,
  type OwnCopyFigure,
  QUICK_ELEMENTS,
  type ThroughputCase,
  toMeasurement,
} from './throughput.ts';
export { runConformance, runMaxBlocks } from './verdicts.ts';
