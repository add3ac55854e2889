/**
 * Valid seed files for the fuzzer: the corpus base (built here) in a few variants, and the two golden
 * GGUF files written by ggml itself (datasets/golden/gguf), which carry every value type and many
 * tensor types.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { baseSpec, q8Block } from '../corpus/cases.ts';
import { buildFile, str, strArr, u32 } from '../corpus/emit.ts';
import type { FuzzSeed } from './fuzz.ts';

const goldenDir = fileURLToPath(new URL('../../../../datasets/golden/gguf/', import.meta.url));

export async function defaultSeeds(): Promise<FuzzSeed[]> {
  const base = baseSpec();
  const withTokenizer = buildFile({
    ...base,
    kvs: [
      ...base.kvs,
      { key: 'tokenizer.ggml.tokens', value: strArr(['<s>', '</s>', 'a', 'b', 'c']) },
      { key: 'tokenizer.ggml.bos_token_id', value: u32(0) },
      { key: 'tokenizer.chat_template', value: str("{% for m in messages %}{{ m['content'] }}{% endfor %}") },
    ],
    tensors: [
      ...base.tensors,
      {
        name: 'blk.0.ffn.weight',
        dims: [64n],
        type: 8,
        data: new Uint8Array([...q8Block(), ...q8Block(0x2800)]),
      },
    ],
  }).bytes;
  const seeds: FuzzSeed[] = [
    { name: 'corpus-base', bytes: buildFile(base).bytes },
    { name: 'corpus-tokenizer', bytes: withTokenizer },
  ];
  for (const name of ['kv-all-types.gguf', 'quant-mix-align64.gguf']) {
    seeds.push({ name, bytes: new Uint8Array(await readFile(goldenDir + name)) });
  }
  return seeds;
}
