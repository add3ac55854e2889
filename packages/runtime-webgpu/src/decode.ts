/**
 * Runs a WGSL decode kernel (bindings: KERNEL-ABI.md, "WGSL decode kernels"):
 *   @group(0) @binding(0) var<storage, read> src: array<u32>          encoded bytes, zero-padded to 4
 *   @group(0) @binding(1) var<storage, read_write> dst: array<f32>    n outputs
 *   @group(0) @binding(2) var<uniform> params: Params                 { n, blocks, threads_x, _pad } (u32)
 *   override WORKGROUP_SIZE: u32; entry point `main`
 * Invocation i = gid.x + gid.y·threads_x writes dst[4i .. 4i+3]; the host dispatches ceil(n/4) invocations
 * in a 2-D grid when one dimension would exceed the adapter's limit. The output binding is followed by 64
 * canary words inside the same binding (so `arrayLength(&dst)` is n + 64: kernels use params.n); a write
 * there is reported, not trusted. Writes further out are clamped by WebGPU's bounds checks.
 */
import { type DecodeKernel, type PreparedRun, QbenchError } from '@qbench/core';
import type { GpuContext } from './device.ts';

export interface DecodeShape {
  id: string;
  blockElements: number;
  blockBytes: number;
  /** Per-tensor side info before the first block (e.g. NVFP4's float32 tensor scale); default 0. */
  headerBytes?: number;
}

export interface PipelineOptions {
  label: string;
  workgroupSize?: number;
}

/** Tuning default for the `WORKGROUP_SIZE` override of every kernel. */
export const DEFAULT_WORKGROUP_SIZE = 64;
const CANARY_WORDS = 64;
const CANARY = 0x7fa5a5a5;

/** Compile a kernel (one entry point, `main`) into a labelled pipeline; WGSL errors name their line. */
export async function computePipeline(
  gpu: GpuContext,
  code: string,
  o: PipelineOptions,
): Promise<GPUComputePipeline> {
  const { device } = gpu;
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: `${o.label} shader`, code });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    await device.popErrorScope();
    throw new QbenchError(
      'webgpu.compile',
      `${o.label}: WGSL does not compile: ${errors.map((m) => `line ${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`,
    );
  }
  const pipeline = await device.createComputePipelineAsync({
    label: `${o.label} pipeline`,
    layout: 'auto',
    compute: {
      module,
      entryPoint: 'main',
      constants: { WORKGROUP_SIZE: o.workgroupSize ?? DEFAULT_WORKGROUP_SIZE },
    },
  });
  const err = await device.popErrorScope();
  if (err) throw new QbenchError('webgpu.pipeline', `${o.label}: ${err.message}`);
  return pipeline;
}

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

function padded(q: Uint8Array): Uint8Array<ArrayBuffer> {
  const size = Math.max(4, Math.ceil(q.byteLength / 4) * 4);
  const out = new Uint8Array(size);
  out.set(q);
  return out;
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

export function gpuDecodeKernel(
  gpu: GpuContext,
  pipeline: GPUComputePipeline,
  fmt: DecodeShape,
  label: string,
  workgroupSize = DEFAULT_WORKGROUP_SIZE,
): DecodeKernel {
  const { device } = gpu;
  const prepare = (q: Uint8Array, n: number): PreparedRun => {
    if (!Number.isInteger(n) || n <= 0 || n % fmt.blockElements !== 0) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: n = ${n} is not a positive multiple of ${fmt.blockElements}`,
      );
    }
    const blocks = n / fmt.blockElements;
    const need = (fmt.headerBytes ?? 0) + blocks * fmt.blockBytes;
    if (q.byteLength !== need) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${n} elements need ${need} bytes, got ${q.byteLength}`,
      );
    }
    const data = padded(q);
    const src = device.createBuffer({
      label: `${label} src`,
      size: data.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(src, 0, data);
    const outBytes = n * 4 + CANARY_WORDS * 4;
    const dst = device.createBuffer({
      label: `${label} dst`,
      size: outBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(dst, n * 4, new Uint32Array(CANARY_WORDS).fill(CANARY));
    const g = grid(device, Math.ceil(n / 4), workgroupSize);
    const params = device.createBuffer({
      label: `${label} params`,
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(params, 0, new Uint32Array([n, blocks, g.threadsX, 0]));
    const bind = device.createBindGroup({
      label: `${label} bindings`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: src } },
        // the whole buffer, canaries included: WebGPU bounds-checks accesses against the binding, so a
        // binding of the output alone would silently drop a stray write instead of letting the canaries see it
        { binding: 1, resource: { buffer: dst } },
        { binding: 2, resource: { buffer: params } },
      ],
    });
    const timer = gpu.timestamps ? new PassTimer(device, label) : undefined;
    const read = device.createBuffer({
      label: `${label} readback`,
      size: outBytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    return {
      async run() {
        const enc = device.createCommandEncoder({ label: `${label} encoder` });
        const pass = enc.beginComputePass({
          label: `${label} pass`,
          ...(timer ? { timestampWrites: timer.writes() } : {}),
        });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, bind);
        pass.dispatchWorkgroups(g.x, g.y);
        pass.end();
        timer?.afterPass(enc);
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        if (timer) await timer.collect();
      },
      lastDeviceNs: () => timer?.last,
      async result() {
        const enc = device.createCommandEncoder({ label: `${label} readback encoder` });
        enc.copyBufferToBuffer(dst, 0, read, 0, outBytes);
        device.queue.submit([enc.finish()]);
        await read.mapAsync(GPUMapMode.READ);
        const all = new Uint32Array(read.getMappedRange().slice(0));
        read.unmap();
        for (let i = n; i < all.length; i++) {
          if (all[i] !== CANARY) {
            throw new QbenchError(
              'kernel.out-of-bounds',
              `${label} wrote outside its output: element ${i} (output has ${n})`,
            );
          }
        }
        return new Float32Array(all.buffer, 0, n);
      },
      dispose() {
        for (const b of [src, dst, params, read]) b.destroy();
        timer?.destroy();
      },
    };
  };
  return {
    prepare,
    async decode(q, n, out) {
      const p = prepare(q, n);
      try {
        await p.run();
        const y = await p.result();
        if (!out) return y;
        out.set(y);
        return out;
      } finally {
        p.dispose();
      }
    },
  };
}
