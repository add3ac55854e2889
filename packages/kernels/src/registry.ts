/**
 * The kernel registry: every kernel qbench has for every format, from every backend plugin (backends/).
 * Listing never loads a GPU or compiles a shader; `load()` does. A backend that cannot run here says why in
 * `unavailable`, shown as a visible skip.
 */
import {
  FORMAT_IDS,
  type Format,
  isQbenchError,
  type KernelOp,
  type KernelTraits,
  loadFormat,
} from '@qbench/core';
import { BACKENDS } from './backends/index.ts';

export interface KernelListing {
  kernels: KernelTraits[];
  /** Backends that contributed nothing, with the reason (e.g. wasm not built, no WebGPU adapter). */
  unavailable: { backend: string; reason: string }[];
  /** Single kernels a backend that is available cannot offer (e.g. an op its library has no symbol for), and why. */
  missing: { kernel: string; reason: string }[];
  /** Formats whose family failed to load, with the error: they have no kernels here, visibly. */
  unloadable: { format: string; reason: string }[];
}

export interface LoadableFormats {
  formats: Format[];
  /** Each format that did not load (its family failed to import, its spec is invalid …), and why. */
  unloadable: { format: string; reason: string }[];
}

/** The formats whose reference codec loads, and the ones that do not with the reason (never dropped silently). */
export async function loadableFormats(only?: readonly string[]): Promise<LoadableFormats> {
  const formats: Format[] = [];
  const unloadable: LoadableFormats['unloadable'] = [];
  for (const id of only ?? FORMAT_IDS) {
    try {
      formats.push(await loadFormat(id));
    } catch (e) {
      unloadable.push({ format: id, reason: isQbenchError(e) ? `${e.code}: ${e.message}` : String(e) });
    }
  }
  return { formats, unloadable };
}

export interface ListOptions {
  formats?: readonly string[];
  /** Backend ids (default: every backend). */
  backends?: readonly string[];
  ops?: readonly KernelOp[];
}

export async function listKernels(options: ListOptions = {}): Promise<KernelListing> {
  const { formats, unloadable } = await loadableFormats(options.formats);
  const known = new Set(formats.map((f) => f.id));
  const kernels: KernelTraits[] = [];
  const unavailable: KernelListing['unavailable'] = [];
  const missing: KernelListing['missing'] = [];
  for (const backend of BACKENDS) {
    if (options.backends !== undefined && !options.backends.includes(backend.id)) continue;
    const listing = await backend.list(formats);
    if ('unavailable' in listing) unavailable.push({ backend: backend.id, reason: listing.unavailable });
    else {
      kernels.push(...listing.kernels.filter((k) => known.has(k.format)));
      missing.push(...(listing.missing ?? []));
    }
  }
  const ops = options.ops;
  const opOf = (id: string) => id.split('/')[1] as KernelOp;
  return {
    kernels: kernels.filter((k) => ops === undefined || ops.includes(k.op)),
    unavailable,
    missing: missing.filter((m) => ops === undefined || ops.includes(opOf(m.kernel))),
    unloadable,
  };
}
