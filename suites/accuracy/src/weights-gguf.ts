/**
 * 2-D tensors of a GGUF file as float32 weights: f32/f16/bf16 read as they are, quantized types decoded
 * with qbench's reference codec (bit-exact with ggml's dequantize_row_*). One tensor is read at a time.
 * ggml stores dims innermost first, so ne[0] is the row length (cols) and ne[1] the rows.
 */
import { bf16BitsToFp32, bytesToF32, fp16Table32, loadFormat, QbenchError } from '@qbench/core';
import { openGgufFile } from '@qbench/gguf-file/node';
import type { WeightSource, WeightTensor } from './weights.ts';

const F32 = 0;
const F16 = 1;
const BF16 = 30;

function plainToF32(typeId: number, bytes: Uint8Array): Float32Array {
  if (typeId === F32) return bytesToF32(bytes);
  const n = bytes.length / 2;
  const out = new Float32Array(n);
  const table = fp16Table32();
  for (let i = 0; i < n; i++) {
    const h = bytes[2 * i]! | (bytes[2 * i + 1]! << 8);
    out[i] = typeId === F16 ? table[h]! : bf16BitsToFp32(h);
  }
  return out;
}

export async function openGgufWeights(path: string, match: RegExp | undefined): Promise<WeightSource> {
  const file = await openGgufFile(path);
  const tensors: WeightTensor[] = [];
  for (const info of file.tensors) {
    if (info.dims.length !== 2 || !info.type || (match && !match.test(info.name))) continue;
    const type = info.type;
    const decodable = type.id === F32 || type.id === F16 || type.id === BF16 || type.spec !== undefined;
    if (!decodable) continue;
    const cols = Number(info.dims[0]);
    const rows = Number(info.dims[1]);
    tensors.push({
      name: info.name,
      rows,
      cols,
      async read() {
        const bytes = await file.tensorData(info);
        if (type.id === F32 || type.id === F16 || type.id === BF16) return plainToF32(type.id, bytes);
        const format = await loadFormat(type.spec!.id);
        if (format.spec.role === 'activation') {
          throw new QbenchError(
            'weights.type',
            `${path}: tensor '${info.name}' is stored as ${type.name}, an activation type`,
          );
        }
        return format.reference.decode(bytes, rows * cols);
      },
    });
  }
  return { path, tensors, close: async () => file.source.close?.() };
}
