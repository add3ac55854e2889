/**
 * Runs a WGSL dot (matrix · vector) kernel (bindings: KERNEL-ABI.md, "WGSL dot kernels"):
 *   @binding(0) src: array<u32>   encoded weight rows      @binding(1) yq: array<u32>  partner-quantized y
 *   @binding(2) dst: array<f32>   one result per row       @binding(3) params: { n, rows, blocks_per_row, rows_x }
 *   one workgroup per row (row = wid.x + wid.y·rows_x), override WORKGROUP_SIZE (power of two ≤ 256)
 * The activation row is quantized to the format's partner type (spec params.vecDotType) by the reference
 * quantizer on the host, inside run(): WGSL division is not correctly rounded (2.5 ulp), so quantizing on
 * the GPU could change codes; doing it per run keeps it inside the timed work, as in a real matmul. A format
 * with no partner type (NF4, MX, minifloats…) gets the raw float32 row (registry.ts identityPartner).
 */
import { type DotKernel, type PreparedRun, QbenchError, type ReferenceCodec } from '@qbench/core';
import { grid, PassTimer } from './decode.ts';
import type { GpuContext } from './device.ts';

export interface DotShape {
  id: string;
  blockElements: number;
  blockBytes: number;
  /** The partner type's reference encoder (row → bytes). */
  partner: Pick<ReferenceCodec, 'encode'>;
}

const CANARY_WORDS = 64;
const CANARY = 0x7fa5a5a5;

function padTo4(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.max(4, Math.ceil(bytes.byteLength / 4) * 4));
  out.set(bytes);
  return out;
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
    if (n <= 0 || n % fmt.blockElements !== 0)
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: row length ${n} is not a positive multiple of ${fmt.blockElements}`,
      );
    const blocksPerRow = n / fmt.blockElements;
    if (!Number.isInteger(rows) || rows <= 0 || q.byteLength !== rows * blocksPerRow * fmt.blockBytes) {
      throw new QbenchError(
        'kernel.shape',
        `${fmt.id}: ${rows} rows of ${n} need ${rows * blocksPerRow * fmt.blockBytes} bytes, got ${q.byteLength}`,
      );
    }
    const w = padTo4(q);
    const src = device.createBuffer({
      label: `${label} weights`,
      size: w.byteLength,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(src, 0, w);
    const yBytes = padTo4(fmt.partner.encode(y)).byteLength;
    const yq = device.createBuffer({
      label: `${label} activations`,
      size: yBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
    });
    const outBytes = rows * 4 + CANARY_WORDS * 4;
    const dst = device.createBuffer({
      label: `${label} dst`,
      size: outBytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(dst, rows * 4, new Uint32Array(CANARY_WORDS).fill(CANARY));
    const g = grid(device, rows, 1);
    const params = device.createBuffer({
      label: `${label} params`,
      size: 16,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(params, 0, new Uint32Array([n, rows, blocksPerRow, g.threadsX]));
    const bind = device.createBindGroup({
      label: `${label} bindings`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: src } },
        { binding: 1, resource: { buffer: yq } },
        // the whole buffer, canaries included: WebGPU bounds-checks accesses against the binding, so a
        // binding of the output alone would silently drop a stray write instead of letting the canaries see it
        { binding: 2, resource: { buffer: dst } },
        { binding: 3, resource: { buffer: params } },
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
        device.queue.writeBuffer(yq, 0, padTo4(fmt.partner.encode(y)));
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
        for (let i = rows; i < all.length; i++) {
          if (all[i] !== CANARY)
            throw new QbenchError(
              'kernel.out-of-bounds',
              `${label} wrote outside its output: element ${i} (output has ${rows})`,
            );
        }
        return new Float32Array(all.buffer, 0, rows);
      },
      dispose() {
        for (const b of [src, yq, dst, params, read]) b.destroy();
        timer?.destroy();
      },
    };
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
