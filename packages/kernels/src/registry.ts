/**
 * The kernel registry: every kernel qbench has for every format, from every backend plugin (backends/).
 * Listing never loads a GPU or compiles a shader; `load()` does. A backend that cannot run here says why in
 * `unavailable`, shown as a visible skip.
 */
import { FORMAT_IDS, type Format, type KernelOp, type KernelTraits, loadFormat } from '@qbench/core';
import { BACKENDS } from './backends/index.ts';

export interface KernelListing {
  kernels: KernelTraits[];
  /** Backends that contributed nothing, with the reason (e.g. wasm not built, no WebGPU adapter). */
  unavailable: { backend: string; reason: string }[];
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

export interface ListOptions {
  formats?: readonly string[];
  /** Backend ids (default: every backend). */
  backends?: readonly string[];
  ops?: readonly KernelOp[];
}

export async function listKernels(options: ListOptions = {}): Promise<KernelListing> {
  const formats = await loadableFormats(options.formats);
  const known = new Set(formats.map((f) => f.id));
  const kernels: KernelTraits[] = [];
  const unavailable: KernelListing['unavailable'] = [];
  for (const backend of BACKENDS) {
    if (options.backends !== undefined && !options.backends.includes(backend.id)) continue;
    const listing = await backend.list(formats);
    if ('unavailable' in listing) unavailable.push({ backend: backend.id, reason: listing.unavailable });
    else kernels.push(...listing.kernels.filter((k) => known.has(k.format)));
  }
  const ops = options.ops;
  return { kernels: kernels.filter((k) => ops === undefined || ops.includes(k.op)), unavailable };
}
