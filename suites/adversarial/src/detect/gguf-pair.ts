/**
 * A model pair as files: the quantized tensors as a GGUF (written with @qbench/gguf-file's writer) — what
 * the suite hands to `qbench scan --reference` in its own test and what a user can reproduce.
 */
import { writeGguf } from '@qbench/gguf-file';
import type { ModelPair } from './population.ts';

export function pairGguf(pair: ModelPair): Promise<Uint8Array> {
  return writeGguf({
    metadata: [
      ['general.architecture', { type: 'str', value: 'qbench-mlp' }],
      ['general.name', { type: 'str', value: `qbench ${pair.kind} seed ${pair.seed}` }],
      ['general.quantization_version', { type: 'u32', value: 2 }],
    ],
    tensors: pair.tensors.map((t) => ({
      name: t.name,
      type: pair.format,
      dims: [t.nPerRow, t.reference.length / t.nPerRow],
      data: t.bytes,
    })),
  });
}
