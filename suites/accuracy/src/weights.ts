/**
 * Real weights for the tensor level: every 2-D float tensor of a user's local model (or those matching a
 * `--tensors` glob), streamed one tensor at a time so memory is bounded by the largest tensor.
 * Supported containers: safetensors (F32/F16/BF16), ONNX (FLOAT/FLOAT16/BFLOAT16/DOUBLE initializers) and
 * GGUF (f32/f16/bf16 and every quantized type qbench decodes, see weights-gguf.ts).
 * Nothing is downloaded.
 *
 * ONNX is protobuf, which has no index to seek by: a streaming index walks the framing through the file
 * handle and keeps only each initializer's header and payload offset, so memory stays bounded by the largest
 * tensor here too. Only weights are listed (MatMul/Gemm
 * second inputs and Gather tables, as the model level quantizes them), with rows along the contraction axis:
 * a MatMul weight stored [in, out] is presented as its transpose [out, in]. Initializers stored as external
 * data (models over 2 GiB) are not read.
 */
import { extname } from 'node:path';
import { QbenchError } from '@qbench/core';
import { FLOAT_DTYPES, findWeights, openOnnxIndex, openSafetensors } from '@qbench/models';
import { openGgufWeights } from './weights-gguf.ts';

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
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
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
      .map((t) => ({
        name: t.name,
        rows: t.shape[0]!,
        cols: t.shape[1]!,
        read: () => st.readFloat32(t.name),
      }));
    return { path, tensors, close: () => st.close() };
  }
  if (ext === '.onnx') return openOnnxWeights(path, match);
  if (ext === '.gguf') return openGgufWeights(path, match);
  throw new QbenchError(
    'weights.container',
    `${path}: unsupported weights container '${ext}' (supported: .safetensors, .onnx, .gguf)`,
  );
}

async function openOnnxWeights(path: string, match: RegExp | undefined): Promise<WeightSource> {
  const index = await openOnnxIndex(path);
  const tensors = findWeights(index.model)
    .filter((w) => !match || match.test(w.name))
    .map((w): WeightTensor => {
      const [d0, d1] = w.dims;
      const transposed = w.layout === 'transposed';
      return {
        name: w.name,
        rows: transposed ? d1 : d0,
        cols: transposed ? d0 : d1,
        async read() {
          const x = await index.readFloat32(w.name);
          if (!transposed) return x;
          const t = new Float32Array(x.length);
          for (let r = 0; r < d0; r++) for (let c = 0; c < d1; c++) t[c * d0 + r] = x[r * d1 + c]!;
          return t;
        },
      };
    });
  return { path, tensors, close: () => index.close() };
}
