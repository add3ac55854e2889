/**
 * qbench's own webgpu kernels: one per .wgsl file (shaders.ts). Listing reads file names only; the adapter
 * is requested once to know whether kernels can run here at all, and pipelines are built on load().
 */
import { readFileSync } from 'node:fs';
import {
  type DecodeKernel,
  type DotKernel,
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
  type ReferenceCodec,
} from '@qbench/core';
import { computePipeline, DEFAULT_WORKGROUP_SIZE, gpuDecodeKernel } from './decode.ts';
import { getGpu } from './device.ts';
import { gpuDotKernel } from './dot.ts';
import {
  assembleElementShader,
  assembleShader,
  assembleTensorShader,
  type ElementFile,
  familyOfFormat,
  listElementFiles,
  listShaderFiles,
  listTensorFiles,
  type ShaderFile,
} from './shaders.ts';

export interface WebGpuListing {
  kernels: KernelTraits[];
  /** Why no webgpu kernel can run here (no adapter…), or undefined. */
  unavailable: string | undefined;
}

function partnerOf(format: FormatId): string | undefined {
  const p = FORMAT_SPECS[format].params?.['vecDotType'];
  return typeof p === 'string' ? p : undefined;
}

/** A kernel to list: a whole-shader file, or an element include with the op's generic entry point. */
interface KernelSource {
  family: string;
  format: FormatId;
  op: KernelOp;
  /** The shader for load(): read and assembled only then (headerBytes: the format's per-tensor side info). */
  source: (headerBytes: number) => string;
  /**
   * Whether the kernel takes side info before the blocks (element and tensor includes): the input is then
   * sized by the reference's encodedBytes, and element includes get its per-tensor part as HEADER_BYTES.
   */
  header?: boolean;
}

function identityPartner(): Pick<ReferenceCodec, 'encode'> {
  // no partner type: the activations are staged as raw float32
  return { encode: (y) => new Uint8Array(y.buffer, y.byteOffset, y.byteLength) };
}

/**
 * Bytes of per-tensor side info: the reference's encoded size of the smallest tensor it can size (one block,
 * or the fewest whole blocks a format's tensors come in, e.g. channel groups) less those blocks. A format
 * whose reference sizes no such tensor is an error naming it, not a guess of "no header".
 */
async function headerBytesOf(format: FormatId): Promise<number> {
  const spec = FORMAT_SPECS[format];
  const reference = (await loadFormat(format)).reference;
  let last: unknown;
  for (let blocks = 1; blocks <= 64; blocks++) {
    try {
      const bytes = reference.encodedBytes(blocks * spec.layout.blockElements);
      return Math.max(0, bytes - blocks * spec.layout.blockBytes);
    } catch (e) {
      last = e; // not a whole tensor of this format: try one block more
    }
  }
  throw new QbenchError(
    'webgpu.header',
    `${format}: the reference sizes no tensor of 1–64 blocks, so its per-tensor header is unknown (${last instanceof Error ? last.message : String(last)})`,
  );
}

function traits(f: KernelSource): KernelTraits {
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
      const headerBytes = f.header ? await headerBytesOf(f.format) : 0;
      const pipeline = await computePipeline(g.gpu, f.source(headerBytes), { label });
      // side info outside the blocks (per tensor, or per group as nf4_dq's absmax2 and mwq's scales): the
      // reference says how many bytes a tensor takes; a dot's matrix is one such tensor
      const ref = f.header ? (await loadFormat(f.format)).reference : undefined;
      const sized = {
        ...shape,
        headerBytes,
        ...(ref ? { encodedBytes: (n: number) => ref.encodedBytes(n) } : {}),
      };
      if (f.op === 'decode') return gpuDecodeKernel(g.gpu, pipeline, sized, label);
      const partner = partnerOf(f.format);
      return gpuDotKernel(
        g.gpu,
        pipeline,
        { ...sized, partner: partner ? (await loadFormat(partner)).reference : identityPartner() },
        label,
      );
    },
  };
}

/**
 * Every webgpu kernel: whole-shader files first; an element include adds the generic decode where the
 * format has no .decode.wgsl, and the generic matvec where it has no .dot.wgsl and its spec states a
 * tolerance.dot (the bound the conformance harness holds a matvec to); a tensor include does the same with
 * the tensor entry points (the matvec's matrix is one tensor, so side info per group spans rows as encoded).
 */
export function webgpuKernelSources(): KernelSource[] {
  const files = listShaderFiles().filter((f): f is ShaderFile & { format: FormatId } => isFormatId(f.format));
  // a whole-shader dot kernel of a format with no vecDotType gets its activations as raw float32
  const out: KernelSource[] = files.map((f) => ({
    ...f,
    source: () => assembleShader(readFileSync(f.path, 'utf8'), f.family, f.op),
    // a whole-shader decode takes the tensor as the reference encodes it (pvq: gainMax before the blocks)
    header: f.op === 'decode',
  }));
  const has = new Set(files.map((f) => `${f.format}.${f.op}`));
  for (const e of listElementFiles().filter((x): x is ElementFile & { format: FormatId } =>
    isFormatId(x.format),
  )) {
    const element = (op: 'decode' | 'dot') => (headerBytes: number) =>
      assembleElementShader(
        readFileSync(e.path, 'utf8'),
        e.family,
        e.format,
        op,
        partnerOf(e.format),
        headerBytes,
      );
    if (!has.has(`${e.format}.decode`))
      out.push({ family: e.family, format: e.format, op: 'decode', source: element('decode'), header: true });
    if (!has.has(`${e.format}.dot`) && FORMAT_SPECS[e.format].tolerance.dot)
      out.push({ family: e.family, format: e.format, op: 'dot', source: element('dot'), header: true });
    has.add(`${e.format}.decode`);
  }
  for (const t of listTensorFiles().filter((x): x is ElementFile & { format: FormatId } =>
    isFormatId(x.format),
  )) {
    const tensor = (op: 'decode' | 'dot') => () =>
      assembleTensorShader(readFileSync(t.path, 'utf8'), t.family, t.format, op, partnerOf(t.format));
    if (!has.has(`${t.format}.decode`))
      out.push({ family: t.family, format: t.format, op: 'decode', source: tensor('decode'), header: true });
    if (!has.has(`${t.format}.dot`) && FORMAT_SPECS[t.format].tolerance.dot)
      out.push({ family: t.family, format: t.format, op: 'dot', source: tensor('dot'), header: true });
  }
  return out;
}

export async function webgpuKernels(): Promise<WebGpuListing> {
  const sources = webgpuKernelSources();
  const g = await getGpu();
  if (!g.ok) return { kernels: [], unavailable: g.reason };
  return { kernels: sources.map(traits), unavailable: undefined };
}

/**
 * An external `.wgsl` kernel (`qbench validate --kernel file.wgsl --format F [--op decode|dot]`), assembled
 * like qbench's own whole-shader kernels: the format family's generated constants and the common helpers
 * (for a dot also common-dot.wgsl, which declares the dot bindings), then the file. A decode takes the tensor
 * as the reference encodes it; a dot takes the rows × n matrix as one such tensor and the activations
 * quantized to the format's partner type (spec params.vecDotType) by the reference on the host, or raw
 * float32 where it has none — exactly what qbench's own dot kernels get (KERNEL-ABI.md). `overrides` sets the
 * shader's `override` constants for tuning (WORKGROUP_SIZE also sizes the decode's dispatch).
 */
export async function loadWgslFile(
  path: string,
  format: Format,
  op: KernelOp,
  overrides: Record<string, number> = {},
): Promise<{ kernel: DecodeKernel | DotKernel; op: KernelOp }> {
  if (op !== 'decode' && op !== 'dot')
    throw new QbenchError('validate.op', `${path}: a WGSL kernel is a decode or a dot, not '${op}'`);
  if (op === 'dot' && !format.reference.dot && !format.spec.tolerance.dot)
    throw new QbenchError(
      'validate.op',
      `${path}: ${format.id} has no dot to check against (no reference dot, no tolerance.dot in its spec)`,
    );
  const { WORKGROUP_SIZE: workgroupSize = DEFAULT_WORKGROUP_SIZE, ...constants } = overrides;
  const whole = Number.isInteger(workgroupSize) && workgroupSize >= 1;
  // a dot's workgroup sums its partial sums in a 256-entry tree (common-dot.wgsl)
  if (op === 'dot' && !(whole && workgroupSize <= 256 && (workgroupSize & (workgroupSize - 1)) === 0))
    throw new QbenchError(
      'validate.override',
      `${path}: a dot kernel's WORKGROUP_SIZE must be a power of two from 1 to 256, got ${workgroupSize}`,
    );
  if (!whole)
    throw new QbenchError(
      'validate.override',
      `${path}: WORKGROUP_SIZE must be a positive integer, got ${workgroupSize}`,
    );
  const g = await getGpu();
  if (!g.ok)
    throw new QbenchError('webgpu.unavailable', `${path}: cannot run a WGSL kernel here: ${g.reason}`);
  const label = `external ${format.id}.${op}`;
  const pipeline = await computePipeline(
    g.gpu,
    assembleShader(readFileSync(path, 'utf8'), familyOfFormat(format.id), op),
    { label, workgroupSize, constants },
  );
  const shape = {
    id: format.id,
    blockElements: format.blockElements,
    blockBytes: format.blockBytes,
    // side info outside the blocks (nvfp4_torchao, nf4_dq, mwq…) comes first, as the reference encodes it
    encodedBytes: (n: number) => format.reference.encodedBytes(n),
  };
  if (op === 'decode') return { kernel: gpuDecodeKernel(g.gpu, pipeline, shape, label, workgroupSize), op };
  const partner = partnerOf(format.id as FormatId);
  return {
    kernel: gpuDotKernel(
      g.gpu,
      pipeline,
      { ...shape, partner: partner ? (await loadFormat(partner)).reference : identityPartner() },
      label,
    ),
    op,
  };
}
