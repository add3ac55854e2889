/**
 * @qbench/suite-throughput: the kernel registry, the one conformance harness every kernel goes through,
 * the throughput suite (default export) and the external-kernel host that `qbench validate` uses.
 */
import { throughputSuite } from './suite.ts';

export default throughputSuite;
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
export { type KernelListing, listKernels, loadableFormats, referenceKernels } from './kernels.ts';
export { gbps, type Timing, type TimingOptions, timeRuns } from './measure.ts';
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
