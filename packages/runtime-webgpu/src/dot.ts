/**
 * Runs a WGSL dot (matrix · vector) kernel (bindings: KERNEL-ABI.md, "WGSL dot kernels"):
 *   @binding(0) src: array<u32>   encoded weight rows      @binding(1) yq: array<u32>  partner-quantized y
 *   @binding(2) dst: array<f32>   one result per row       @binding(3) params: { n, rows, blocks_per_row, rows_x }
 *   one workgroup per row (row = wid.x + wid.y·rows_x), override WORKGROUP_SIZE (power of two ≤ 256)
 * The activation row is quantized to the format's partner type (spec params.vecDotType) by the reference
 * quantizer on the host, inside run(): WGSL division is not correctly rounded (2.5 ulp), so quantizing on
 * the GPU could change codes; doing it per run keeps it inside the timed work, as in a real matmul. A format
 * with no partner type (NF4, MX, minifloats…) gets the raw float32 row (registry.ts identityPartner).
 * A format with side info outside its blocks takes the whole matrix as its reference encodes a rows × n
 * tensor: per-tensor side info first, then the rows (nvfp4_torchao, ifairy: headerBytes); side info per group of the
 * tensor where it lies (nf4_dq, mwq: encodedBytes).
 */
import {
  type DotKernel,
  matrixBytes,
  type PreparedRun,
  QbenchError,
  type ReferenceCodec,
  type TensorShape,
} from '@qbench/core';
import type { GpuContext } from './device.ts';
import { grid, launchKernel, padTo4, storageInput } from './launch.ts';

export interface DotShape extends TensorShape {
  /** The partner type's reference encoder (row → bytes). */
  partner: Pick<ReferenceCodec, 'encode'>;
}

export function gpuDotKernel(
  gpu: GpuContext,
  pipeline: GPUComputePipeline,
  fmt: DotShape,
  label: string,
): DotKernel {
  const { device } = gpu;
  const prepare = (q: Uint8Array, y: Float32Array, rows: number): PreparedRun => {
    const n = y.length;
    // the matrix is one tensor, as the reference encodes rows × n elements
    const need = matrixBytes(fmt, n, rows);
    if (q.byteLength !== need) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${rows} rows of ${n} elements need ${need} bytes, got ${q.byteLength}`,
      );
    }
    const src = storageInput(device, `${label} weights`, q);
    // sized by one encode here; run() re-encodes into it, so the quantization is part of the timed work
    const yq = storageInput(device, `${label} activations`, fmt.partner.encode(y));
    const g = grid(device, rows, 1);
    return launchKernel(gpu, pipeline, {
      label,
      inputs: [src, yq],
      outputs: rows,
      params: [n, rows, n / fmt.blockElements, g.threadsX],
      grid: g,
      beforePass: () => device.queue.writeBuffer(yq, 0, padTo4(fmt.partner.encode(y))),
    });
  };
  return {
    prepare,
    async dot(q, y, rows) {
      const p = prepare(q, y, rows);
      try {
        await p.run();
        return await p.result();
      } finally {
        p.dispose();
      }
    },
  };
}
