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
import {
  type DecodeKernel,
  type PreparedRun,
  QbenchError,
  type TensorShape,
  tensorBytes,
} from '@qbench/core';
import type { GpuContext } from './device.ts';
import { grid, launchKernel, storageInput } from './launch.ts';

/** A decode's input sizing: core's TensorShape (the tensor as the reference encodes it). */
export type DecodeShape = TensorShape;

export interface PipelineOptions {
  label: string;
  workgroupSize?: number;
  /** Other `override` constants of the shader (tuning), by name. */
  constants?: Record<string, number>;
}

/** Tuning default for the `WORKGROUP_SIZE` override of every kernel. */
export const DEFAULT_WORKGROUP_SIZE = 64;

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
  let pipeline: GPUComputePipeline;
  try {
    pipeline = await device.createComputePipelineAsync({
      label: `${o.label} pipeline`,
      layout: 'auto',
      compute: {
        module,
        entryPoint: 'main',
        constants: { ...o.constants, WORKGROUP_SIZE: o.workgroupSize ?? DEFAULT_WORKGROUP_SIZE },
      },
    });
  } catch (e) {
    // a pipeline the device refuses (an override the shader does not declare, a workgroup too large…)
    await device.popErrorScope();
    throw new QbenchError('webgpu.pipeline', `${o.label}: ${(e as Error).message.split('\n')[0]}`);
  }
  const err = await device.popErrorScope();
  if (err) throw new QbenchError('webgpu.pipeline', `${o.label}: ${err.message}`);
  return pipeline;
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
    const need = tensorBytes(fmt, n);
    if (q.byteLength !== need) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${n} elements need ${need} bytes, got ${q.byteLength}`,
      );
    }
    const g = grid(device, Math.ceil(n / 4), workgroupSize);
    return launchKernel(gpu, pipeline, {
      label,
      inputs: [storageInput(device, `${label} src`, q)],
      outputs: n,
      params: [n, n / fmt.blockElements, g.threadsX, 0],
      grid: g,
    });
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
