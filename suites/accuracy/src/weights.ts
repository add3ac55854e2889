/**
 * Real weights for the tensor level: every 2-D float tensor of a user's local model (or those matching a
 * `--tensors` glob), streamed one tensor at a time so memory is bounded by the largest tensor.
 * Supported containers: safetensors (F32/F16/BF16). Nothing is downloaded.
 */
import { extname } from 'node:path';
import { QbenchError } from '@qbench/core';
import { FLOAT_DTYPES, openSafetensors } from '@qbench/models';

export interface WeightTensor {
  name: string;
  rows: number;
  cols: number;
  read(): Promise<Float32Array>;
}

export interface WeightSource {
  path: string;
  tensors: WeightTensor[];
  close(): Promise<void>;
}

/** `*` matches any run of characters (dots and slashes included), `?` one character. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export async function openWeights(path: string, tensorsGlob?: string): Promise<WeightSource> {
  const match = tensorsGlob ? globToRegExp(tensorsGlob) : undefined;
  const ext = extname(path).toLowerCase();
  if (ext === '.safetensors') {
    const st = await openSafetensors(path);
    const tensors = st.tensors
      .filter((t) => t.shape.length === 2 && (FLOAT_DTYPES as readonly string[]).includes(t.dtype))
      .filter((t) => !match || match.test(t.name))
      .map((t) => ({ name: t.name, rows: t.shape[0]!, cols: t.shape[1]!, read: () => st.readFloat32(t.name) }));
    return { path, tensors, close: () => st.close() };
  }
  throw new QbenchError('weights.container', `${path}: unsupported weights container '${ext}' (supported: .safetensors)`);
}
