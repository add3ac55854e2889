/**
 * qbench's own webgpu kernels: one per .wgsl file (shaders.ts). Listing reads file names only; the adapter
 * is requested once to know whether kernels can run here at all, and pipelines are built on load().
 */
import { readFileSync } from 'node:fs';
import {
  type DecodeKernel,
  FORMAT_SPECS,
  type Format,
  type FormatId,
  isFormatId,
  type Kernel,
  type KernelOp,
  type KernelTraits,
  kernelId,
  loadFormat,
  QbenchError,
} from '@qbench/core';
import { computePipeline, gpuDecodeKernel } from './decode.ts';
import { getGpu } from './device.ts';
import { gpuDotKernel } from './dot.ts';
import { assembleShader, familyOfFormat, listShaderFiles, type ShaderFile } from './shaders.ts';

export interface WebGpuListing {
  kernels: KernelTraits[];
  /** Why no webgpu kernel can run here (no adapter…), or undefined. */
  unavailable: string | undefined;
}

function partnerOf(format: FormatId): string | undefined {
  const p = FORMAT_SPECS[format].params?.['vecDotType'];
  return typeof p === 'string' ? p : undefined;
}

function traits(f: ShaderFile & { format: FormatId }): KernelTraits {
  const spec = FORMAT_SPECS[f.format];
  const be = spec.layout.blockElements;
  const shape = { id: f.format, blockElements: be, blockBytes: spec.layout.blockBytes };
  const label = `${f.format}.${f.op}`;
  return {
    id: kernelId(f.format, f.op, 'webgpu'),
    format: f.format,
    op: f.op,
    backend: 'webgpu',
    supports: (s) =>
      s.n % be === 0 ? true : `n = ${s.n} is not a multiple of the ${f.format} block (${be} elements)`,
    async load(): Promise<Kernel> {
      const g = await getGpu();
      if (!g.ok) throw new QbenchError('webgpu.unavailable', g.reason);
      const pipeline = await computePipeline(
        g.gpu,
        assembleShader(readFileSync(f.path, 'utf8'), f.family, f.op),
        { label },
      );
      if (f.op === 'decode') return gpuDecodeKernel(g.gpu, pipeline, shape, label);
      const partner = partnerOf(f.format);
      if (!partner)
        throw new QbenchError(
          'webgpu.partner',
          `${f.format}: the spec names no vecDotType, so a dot kernel has no activation format`,
        );
      return gpuDotKernel(
        g.gpu,
        pipeline,
        { ...shape, partner: (await loadFormat(partner)).reference },
        label,
      );
    },
  };
}

export async function webgpuKernels(): Promise<WebGpuListing> {
  const files = listShaderFiles().filter((f): f is ShaderFile & { format: FormatId } => isFormatId(f.format));
  const g = await getGpu();
  if (!g.ok) return { kernels: [], unavailable: g.reason };
  return { kernels: files.map(traits), unavailable: undefined };
}

/**
 * An external .wgsl decode kernel for `qbench validate`: same bindings as qbench's own (KERNEL-ABI.md),
 * assembled with the format family's generated constants and the common helpers.
 */
export async function loadWgslFile(
  path: string,
  format: Format,
  op: KernelOp,
): Promise<{ kernel: DecodeKernel; op: KernelOp }> {
  if (op !== 'decode')
    throw new QbenchError(
      'validate.wgsl',
      `${path}: external WGSL kernels are decode kernels (--op dot is not supported for .wgsl)`,
    );
  const g = await getGpu();
  if (!g.ok)
    throw new QbenchError('webgpu.unavailable', `${path}: cannot run a WGSL kernel here: ${g.reason}`);
  const label = `external ${format.id}.decode`;
  const pipeline = await computePipeline(
    g.gpu,
    assembleShader(readFileSync(path, 'utf8'), familyOfFormat(format.id)),
    { label },
  );
  return {
    kernel: gpuDecodeKernel(
      g.gpu,
      pipeline,
      { id: format.id, blockElements: format.blockElements, blockBytes: format.blockBytes },
      label,
    ),
    op,
  };
}
