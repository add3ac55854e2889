/**
 * A minimal llama-architecture GGUF for the client's own tests: 1 layer, d 32, 2 heads, 32 tokens, zero
 * weights and unit norms, written by qbench's GGUF writer; `overrides` replaces u32 KVs by key.
 */
import { type GgufValue, writeGguf } from '@qbench/gguf-file';

export async function tinyLlamaGguf(overrides: Record<string, number>): Promise<Uint8Array> {
  const d = 32;
  const V = 32;
  const u32 = (k: string, v: number): [string, GgufValue] => [k, { type: 'u32', value: overrides[k] ?? v }];
  const tokens = Array.from({ length: V }, (_, i) => String.fromCodePoint(0x100 + i));
  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'str', value: 'llama' }],
    u32('llama.vocab_size', V),
    u32('llama.context_length', 16),
    u32('llama.embedding_length', d),
    u32('llama.block_count', 1),
    u32('llama.feed_forward_length', d),
    u32('llama.attention.head_count', 2),
    u32('llama.attention.head_count_kv', 2),
    ['llama.attention.layer_norm_rms_epsilon', { type: 'f32', value: 1e-5 }],
    ['tokenizer.ggml.model', { type: 'str', value: 'gpt2' }],
    ['tokenizer.ggml.tokens', { type: 'arr', elementType: 'str', length: BigInt(V), values: tokens }],
    ['tokenizer.ggml.merges', { type: 'arr', elementType: 'str', length: 0n, values: [] }],
  ];
  const f32 = (n: number, fill = 0) => new Uint8Array(new Float32Array(n).fill(fill).buffer);
  const t = (name: string, ne: number[], fill = 0) => ({
    name,
    type: 'f32',
    dims: ne,
    data: f32(
      ne.reduce((a, b) => a * b, 1),
      fill,
    ),
  });
  const tensors = [
    t('token_embd.weight', [d, V], 0.01),
    t('blk.0.attn_norm.weight', [d], 1),
    t('blk.0.attn_q.weight', [d, d]),
    t('blk.0.attn_k.weight', [d, d]),
    t('blk.0.attn_v.weight', [d, d]),
    t('blk.0.attn_output.weight', [d, d]),
    t('blk.0.ffn_norm.weight', [d], 1),
    t('blk.0.ffn_gate.weight', [d, d]),
    t('blk.0.ffn_up.weight', [d, d]),
    t('blk.0.ffn_down.weight', [d, d]),
    t('output_norm.weight', [d], 1),
    t('output.weight', [d, V], 0.01),
  ];
  return writeGguf({ metadata, tensors });
}
