/**
 * The kernel registry: every kernel qbench has for every format, per backend. Reference kernels wrap each
 * format's reference codec; wasm-simd128 kernels come from @qbench/runtime-wasm (one per module export);
 * webgpu kernels from @qbench/runtime-webgpu (one per .wgsl file). Listing never loads a GPU or compiles a
 * shader; `load()` does. A backend that cannot run here says why in `unavailable`, shown as a visible skip.
 */
import {
  type Backend,
  type DecodeKernel,
  type DotKernel,
  FORMAT_IDS,
  type Format,
  type KernelOp,
  type KernelTraits,
  kernelId,
  loadFormat,
} from '@qbench/core';
import { wasmKernels } from '@qbench/runtime-wasm';
import { webgpuKernels } from '@qbench/runtime-webgpu';

export interface KernelListing {
  kernels: KernelTraits[];
  /** Backends that contributed nothing, with the reason (e.g. wasm not built, no WebGPU adapter). */
  unavailable: { backend: Backend; reason: string }[];
}

/** Formats whose reference codec loads (families still being written are left out, not errors). */
export async function loadableFormats(only?: readonly string[]): Promise<Format[]> {
  const out: Format[] = [];
  for (const id of only ?? FORMAT_IDS) {
    try {
      out.push(await loadFormat(id));
    } catch {
      // a spec whose family has no codec yet: it has no reference, so nothing to conform against
    }
  }
  return out;
}

function referenceTraits(format: Format, op: 'decode' | 'dot'): KernelTraits {
  const be = format.blockElements;
  return {
    id: kernelId(format.id, op, 'reference'),
    format: format.id,
    op,
    backend: 'reference',
    supports: (s) =>
      s.n % be === 0 ? true : `n = ${s.n} is not a multiple of the ${format.id} block (${be} elements)`,
    async load() {
      const ref = format.reference;
      if (op === 'decode') {
        const k: DecodeKernel = {
          decode(q, n, out) {
            const y = ref.decode(q, n);
            if (!out) return y;
            out.set(y);
            return out;
          },
        };
        return k;
      }
      const k: DotKernel = {
        dot(q, y, rows) {
          const rowBytes = q.byteLength / rows;
          const r = new Float32Array(rows);
          for (let i = 0; i < rows; i++) r[i] = ref.dot!(q.subarray(i * rowBytes, (i + 1) * rowBytes), y);
          return r;
        },
      };
      return k;
    },
  };
}

export function referenceKernels(formats: readonly Format[]): KernelTraits[] {
  const out: KernelTraits[] = [];
  for (const f of formats) {
    out.push(referenceTraits(f, 'decode'));
    if (f.reference.dot) out.push(referenceTraits(f, 'dot'));
  }
  return out;
}

export interface ListOptions {
  formats?: readonly string[];
  backends?: readonly Backend[];
  ops?: readonly KernelOp[];
}

export async function listKernels(options: ListOptions = {}): Promise<KernelListing> {
  const formats = await loadableFormats(options.formats);
  const known = new Set(formats.map((f) => f.id));
  const want = (b: Backend) => options.backends === undefined || options.backends.includes(b);
  const kernels: KernelTraits[] = [];
  const unavailable: KernelListing['unavailable'] = [];
  if (want('reference')) kernels.push(...referenceKernels(formats));
  if (want('wasm-simd128')) {
    const wasm = await wasmKernels();
    if (wasm.length === 0)
      unavailable.push({ backend: 'wasm-simd128', reason: 'no wasm module is built: run `pnpm build`' });
    kernels.push(...wasm.filter((k) => known.has(k.format)));
  }
  if (want('webgpu')) {
    const gpu = await webgpuKernels();
    if (gpu.unavailable) unavailable.push({ backend: 'webgpu', reason: gpu.unavailable });
    kernels.push(...gpu.kernels.filter((k) => known.has(k.format)));
  }
  const ops = options.ops;
  return { kernels: kernels.filter((k) => ops === undefined || ops.includes(k.op)), unavailable };
}
