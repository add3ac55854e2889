/**
 * One kernel launch as the decode and dot runners share it (KERNEL-ABI.md): the input storage buffers bound
 * first, in order, then the f32 output, then the 16-byte uniform params, in bind group 0. The output binding is
 * followed by 64 canary words inside the same binding (WebGPU bounds-checks accesses against the binding, so a
 * binding of the output alone would silently drop a stray write instead of letting the canaries see it); a
 * write there is reported as `kernel.out-of-bounds`. Device time comes from timestamp queries where granted.
 */
import { type PreparedRun, QbenchError } from '@qbench/core';
import type { GpuContext } from './device.ts';

const CANARY_WORDS = 64;
const CANARY = 0x7fa5a5a5;

/** Workgroup grid for `invocations` threads: x capped by the device limit, the rest in y. */
export function grid(
  device: GPUDevice,
  invocations: number,
  wg: number,
): { x: number; y: number; threadsX: number } {
  const groups = Math.max(1, Math.ceil(invocations / wg));
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  const x = Math.min(groups, maxX);
  return { x, y: Math.ceil(groups / x), threadsX: x * wg };
}

/** Bytes zero-padded to a whole number of u32 words (at least one): how kernels read `array<u32>` inputs. */
export function padTo4(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.max(4, Math.ceil(bytes.byteLength / 4) * 4));
  out.set(bytes);
  return out;
}

/** A labelled storage buffer holding `bytes`, zero-padded to whole u32 words. */
export function storageInput(device: GPUDevice, label: string, bytes: Uint8Array): GPUBuffer {
  const data = padTo4(bytes);
  const b = device.createBuffer({
    label,
    size: data.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(b, 0, data);
  return b;
}

/** Timestamp queries around one compute pass, read back after each run. */
export class PassTimer {
  private readonly set: GPUQuerySet;
  private readonly resolve: GPUBuffer;
  private readonly read: GPUBuffer;
  last: number | undefined;

  constructor(device: GPUDevice, label: string) {
    this.set = device.createQuerySet({ label: `${label} timestamps`, type: 'timestamp', count: 2 });
    this.resolve = device.createBuffer({
      label: `${label} timestamp resolve`,
      size: 16,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    });
    this.read = device.createBuffer({
      label: `${label} timestamp read`,
      size: 16,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
  }

  writes(): GPUComputePassTimestampWrites {
    return { querySet: this.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 };
  }

  afterPass(encoder: GPUCommandEncoder): void {
    encoder.resolveQuerySet(this.set, 0, 2, this.resolve, 0);
    encoder.copyBufferToBuffer(this.resolve, 0, this.read, 0, 16);
  }

  async collect(): Promise<void> {
    await this.read.mapAsync(GPUMapMode.READ);
    const t = new BigUint64Array(this.read.getMappedRange().slice(0));
    this.read.unmap();
    this.last = t[1]! > t[0]! ? Number(t[1]! - t[0]!) : undefined;
  }

  destroy(): void {
    this.set.destroy();
    this.resolve.destroy();
    this.read.destroy();
  }
}

/** One compute pass of `pipeline` over `grid`, submitted and awaited; its device time in `timer` if given. */
export async function dispatchTimed(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  bind: GPUBindGroup,
  grid: { x: number; y: number },
  label: string,
  timer: PassTimer | undefined,
): Promise<void> {
  const enc = device.createCommandEncoder({ label: `${label} encoder` });
  const pass = enc.beginComputePass({
    label: `${label} pass`,
    ...(timer ? { timestampWrites: timer.writes() } : {}),
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bind);
  pass.dispatchWorkgroups(grid.x, grid.y);
  pass.end();
  timer?.afterPass(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  if (timer) await timer.collect();
}

export interface LaunchInit {
  /** Names every buffer, pass and encoder; also the kernel in out-of-bounds errors. */
  label: string;
  /** Storage buffers at bindings 0 … k−1; the launch owns (and destroys) them. */
  inputs: readonly GPUBuffer[];
  /** f32 results the kernel writes (binding k). */
  outputs: number;
  /** The kernel's uniform params, four u32 (binding k + 1). */
  params: readonly [number, number, number, number];
  grid: { x: number; y: number };
  /** Work done inside run() before the pass is encoded (e.g. quantizing the activations). */
  beforePass?: () => void;
}

/** Stages the output, params and bind group once; each run() dispatches one timed pass. */
export function launchKernel(gpu: GpuContext, pipeline: GPUComputePipeline, o: LaunchInit): PreparedRun {
  const { device } = gpu;
  const { label, outputs } = o;
  const outBytes = outputs * 4 + CANARY_WORDS * 4;
  const dst = device.createBuffer({
    label: `${label} dst`,
    size: outBytes,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(dst, outputs * 4, new Uint32Array(CANARY_WORDS).fill(CANARY));
  const params = device.createBuffer({
    label: `${label} params`,
    size: 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(params, 0, new Uint32Array(o.params));
  const bind = device.createBindGroup({
    label: `${label} bindings`,
    layout: pipeline.getBindGroupLayout(0),
    entries: [...o.inputs, dst, params].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const timer = gpu.timestamps ? new PassTimer(device, label) : undefined;
  const read = device.createBuffer({
    label: `${label} readback`,
    size: outBytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  return {
    async run() {
      o.beforePass?.();
      await dispatchTimed(device, pipeline, bind, o.grid, label, timer);
    },
    lastDeviceNs: () => timer?.last,
    async result() {
      const enc = device.createCommandEncoder({ label: `${label} readback encoder` });
      enc.copyBufferToBuffer(dst, 0, read, 0, outBytes);
      device.queue.submit([enc.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const all = new Uint32Array(read.getMappedRange().slice(0));
      read.unmap();
      for (let i = outputs; i < all.length; i++) {
        if (all[i] !== CANARY) {
          throw new QbenchError(
            'kernel.out-of-bounds',
            `${label} wrote outside its output: element ${i} (output has ${outputs})`,
          );
        }
      }
      return new Float32Array(all.buffer, 0, outputs);
    },
    dispose() {
      for (const b of [...o.inputs, dst, params, read]) b.destroy();
      timer?.destroy();
    },
  };
}
