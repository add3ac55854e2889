/**
 * Every kernel backend, one line each: adding a backend is its folder under backends/ and one line here.
 * Order is listing order (the reference first, so tables read oracle → fast kernels).
 */
import { extname } from 'node:path';
import { QbenchError } from '@qbench/core';
import type { ExternalForm, KernelBackend } from './backend.ts';
import { externalBackend } from './external/index.ts';
import { ggmlNativeBackend } from './ggml-native/index.ts';
import { referenceBackend } from './reference/index.ts';
import { wasmRelaxedSimdBackend } from './wasm-relaxed-simd/index.ts';
import { wasmSimd128Backend } from './wasm-simd128/index.ts';
import { webgpuBackend } from './webgpu/index.ts';

export const BACKENDS: readonly KernelBackend[] = [
  referenceBackend,
  wasmSimd128Backend,
  wasmRelaxedSimdBackend,
  webgpuBackend,
  externalBackend,
  ggmlNativeBackend,
];

export const BACKEND_IDS: readonly string[] = BACKENDS.map((b) => b.id);

/** The plugin of a backend id (a kernel's `backend`), or an error naming the ones there are. */
export function backendById(id: string): KernelBackend {
  const b = BACKENDS.find((x) => x.id === id);
  if (!b)
    throw new QbenchError(
      'kernel.backend',
      `no kernel backend '${id}' (there are: ${BACKEND_IDS.join(', ')})`,
    );
  return b;
}

/** The backend whose external form a kernel file takes (by its name's ending), and that form. */
export function backendForFile(path: string): { backend: KernelBackend; form: ExternalForm } {
  const lower = path.toLowerCase();
  for (const backend of BACKENDS) {
    const form = backend.external;
    if (form?.extensions.some((e) => lower.endsWith(e))) return { backend, form };
  }
  const known = BACKENDS.flatMap((b) => b.external?.extensions ?? []);
  throw new QbenchError(
    'cli.args',
    `validate: ${path}: no backend loads '${extname(path) || 'files without an extension'}' kernels (known: ${known.join(', ')})`,
  );
}
