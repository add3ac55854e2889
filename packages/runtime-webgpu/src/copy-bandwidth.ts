/**
 * The device's memory copy bandwidth, the limit a WebGPU decode is set against (issue: q4_k decode at ≥ 50%
 * of the device's memory bandwidth): a compute pass that copies one storage buffer to another
 * (wgsl/device-copy.wgsl), staged once and timed per run like every kernel (timestamp queries where the
 * adapter grants them). A copy by a compute shader rather than copyBufferToBuffer: it is what a kernel can
 * reach with its own loads and stores, and only a pass can carry timestamp writes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { PreparedRun } from '@qbench/core';
import { computePipeline } from './decode.ts';
import type { GpuContext } from './device.ts';
import { dispatchTimed, grid, PassTimer } from './launch.ts';

/** Default size of each of the two buffers: beyond any GPU's last-level cache (H100/H200: 50 MB L2). */
export const DEVICE_COPY_BYTES = 256 * 1024 * 1024;
const WORKGROUP_SIZE = 256;
const shaderPath = fileURLToPath(new URL('../wgsl/device-copy.wgsl', import.meta.url));

/** Word i of the copy's source (and, after a run, of its destination). */
export function copyPattern(i: number): number {
  return Math.imul(i % (4 * 1024 * 1024), 0x9e3779b1) >>> 0;
}

export interface DeviceCopy extends PreparedRun {
  /** Bytes copied per run (each buffer's size): read + written traffic is twice this. */
  bytes: number;
}

/**
 * Stages a copy of min(`bytes`, the device's binding and buffer limits) bytes, rounded down to 16. The source
 * is filled with a pattern first, so that no run reads memory the driver has never touched.
 */
export async function prepareDeviceCopy(gpu: GpuContext, bytes = DEVICE_COPY_BYTES): Promise<DeviceCopy> {
  const { device } = gpu;
  const size =
    Math.floor(Math.min(bytes, device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize) / 16) *
    16;
  const label = 'device copy';
  const pipeline = await computePipeline(gpu, readFileSync(shaderPath, 'utf8'), {
    label,
    workgroupSize: WORKGROUP_SIZE,
  });
  const src = device.createBuffer({
    label: `${label} src`,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  const chunk = new Uint32Array(4 * 1024 * 1024).map((_, i) => copyPattern(i));
  for (let at = 0; at < size; at += chunk.byteLength)
    device.queue.writeBuffer(src, at, chunk, 0, Math.min(chunk.length, (size - at) / 4));
  const dst = device.createBuffer({
    label: `${label} dst`,
    size,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC,
  });
  const words = size / 16;
  const g = grid(device, words, WORKGROUP_SIZE);
  const params = device.createBuffer({
    label: `${label} params`,
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(params, 0, new Uint32Array([words, g.threadsX, 0, 0]));
  const bind = device.createBindGroup({
    label: `${label} bindings`,
    layout: pipeline.getBindGroupLayout(0),
    entries: [src, dst, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const timer = gpu.timestamps ? new PassTimer(device, label) : undefined;
  return {
    bytes: size,
    run: () => dispatchTimed(device, pipeline, bind, g, label, timer),
    lastDeviceNs: () => timer?.last,
    /** dst after the last run, as float32 words (the source pattern's bits): that the copy really copies. */
    async result() {
      const read = device.createBuffer({
        label: `${label} readback`,
        size,
        usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
      });
      const enc = device.createCommandEncoder({ label: `${label} readback encoder` });
      enc.copyBufferToBuffer(dst, 0, read, 0, size);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const out = new Float32Array(read.getMappedRange().slice(0));
      read.destroy();
      return out;
    },
    dispose() {
      for (const b of [src, dst, params]) b.destroy();
      timer?.destroy();
    },
  };
}
