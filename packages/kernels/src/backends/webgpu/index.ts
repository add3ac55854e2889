/**
 * The webgpu backend: qbench's WGSL kernels (@qbench/runtime-webgpu, one per .wgsl file) through WebGPU —
 * Dawn in Node, lavapipe in CI. Its yardstick is a compute-shader copy between two storage buffers, on the GPU
 * clock where the adapter grants timestamp queries; a user's `.wgsl` with the documented bindings is its
 * external form.
 */

import { QbenchError } from '@qbench/core';
import { adapterName, getGpu, loadWgslFile, prepareDeviceCopy, webgpuKernels } from '@qbench/runtime-webgpu';
import { gbps } from '../../measure.ts';
import { timePrepared } from '../../throughput.ts';
import type { CopyBandwidth, CopyYardstick, KernelBackend } from '../backend.ts';

/** The GPU copy in quick runs (runtime-webgpu's default, 256 MiB per buffer, otherwise). */
export const QUICK_DEVICE_COPY_BYTES = 32 * 1024 * 1024;

let deviceCopy: Promise<CopyBandwidth | string> | undefined;

const deviceCopyYardstick: CopyYardstick = {
  kernel: 'memcpy/webgpu',
  measure({ quick }) {
    deviceCopy ??= (async () => {
      const g = await getGpu();
      if (!g.ok) return g.reason;
      const copy = await prepareDeviceCopy(g.gpu, quick ? QUICK_DEVICE_COPY_BYTES : undefined);
      const t = await timePrepared(copy, { minRuns: 10, minTimeMs: 300 });
      copy.dispose();
      const d = t.deviceMedianNs;
      const wallGBps = gbps(2 * copy.bytes, t.timing.medianNs);
      return {
        bytes: copy.bytes,
        wallGBps,
        ...(d === undefined ? {} : { deviceGBps: gbps(2 * copy.bytes, d) }),
        method: 'WGSL compute-shader copy between two storage buffers (wgsl/device-copy.wgsl)',
        details: {
          timedBy: d === undefined ? 'wall clock' : 'gpu timestamps',
          wallGBps,
          adapter: adapterName(g.gpu),
        },
      };
    })();
    return deviceCopy;
  },
};

export const webgpuBackend: KernelBackend = {
  id: 'webgpu',
  summary: 'WGSL compute kernels through WebGPU (@qbench/runtime-webgpu)',
  oracle: false,
  timingWeight: 1,
  async list() {
    const gpu = await webgpuKernels();
    return gpu.unavailable ? { unavailable: gpu.unavailable } : { kernels: gpu.kernels };
  },
  yardstick: deviceCopyYardstick,
  async device() {
    const g = await getGpu();
    return g.ok ? adapterName(g.gpu) : undefined;
  },
  external: {
    extensions: ['.wgsl'],
    describe: 'WGSL compute shader (webgpu)',
    takesOverrides: true,
    async load(path, o) {
      if (!o.format) throw new QbenchError('cli.args', 'validate: a .wgsl kernel needs --format');
      const loaded = await loadWgslFile(path, o.format, o.op ?? 'decode', o.overrides);
      return {
        kernel: loaded.kernel,
        op: loaded.op,
        declaredFormat: undefined,
        close: async () => loaded.kernel.dispose?.(),
      };
    },
  },
};
