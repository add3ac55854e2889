/**
 * Checks on what the metadata means rather than how it is encoded: required general.* keys
 * (docs/gguf.md "Required"), special-token ids against the vocabulary (GHSA-g4cc-763q-h9h6: a bos id
 * ≥ n_vocab is an out-of-bounds read in loaders), tokenizer array lengths, and chat templates.
 */
import type { FindingSink } from './findings.ts';
import { type GgufKv, type ParsedGguf, printable } from './parse.ts';
import { staticTemplateIssues } from './template/static.ts';

const TOKEN_ID_KEY = /^tokenizer\.ggml\.[a-z0-9_]+_token_id$/;
export const TEMPLATE_KEY = /^tokenizer\.chat_template(\..+)?$/;
const PER_TOKEN_ARRAYS = ['tokenizer.ggml.scores', 'tokenizer.ggml.token_type'];

function integerValue(kv: GgufKv): bigint | undefined {
  const v = kv.value;
  if (v.type === 'u64' || v.type === 'i64') return v.value;
  if (
    v.type === 'u8' ||
    v.type === 'i8' ||
    v.type === 'u16' ||
    v.type === 'i16' ||
    v.type === 'u32' ||
    v.type === 'i32'
  )
    return BigInt(v.value);
  return undefined;
}

export function checkSemantics(p: ParsedGguf, sink: FindingSink): void {
  if (!p.complete) return;
  const arch = p.kv.get('general.architecture');
  if (!arch) sink.add('meta.architecture', 24, 'general.architecture is missing (required by the spec)');
  else if (arch.value.type !== 'str')
    sink.add('meta.architecture', arch.offset, `general.architecture is ${arch.value.type}, not a string`, {
      key: arch.key,
    });

  const quantized = p.tensors.find((t) => t.type?.quantized);
  if (quantized && !p.kv.has('general.quantization_version')) {
    sink.add(
      'meta.quantization-version',
      24,
      `tensor '${printable(quantized.name)}' is ${quantized.type!.name} but general.quantization_version is missing`,
    );
  }

  const tokens = p.kv.get('tokenizer.ggml.tokens');
  const vocab = tokens?.value.type === 'arr' ? tokens.value.length : undefined;
  for (const kv of p.kv.values()) {
    if (TOKEN_ID_KEY.test(kv.key) && vocab !== undefined) {
      const id = integerValue(kv);
      // Negative ids (i32 -1) mean "unset" in llama.cpp and are not an index.
      if (id !== undefined && id >= 0n && id >= vocab) {
        sink.add(
          'tokenizer.token-id',
          kv.offset,
          `${kv.key} = ${id} is not below the vocabulary size ${vocab}`,
          { key: kv.key },
        );
      }
    }
    if (TEMPLATE_KEY.test(kv.key) && kv.value.type === 'str') {
      for (const issue of staticTemplateIssues(kv.value.value))
        sink.add(issue.code, kv.offset, `${kv.key}: ${issue.message}`, { key: kv.key });
    }
  }
  if (vocab !== undefined) {
    for (const key of PER_TOKEN_ARRAYS) {
      const kv = p.kv.get(key);
      if (kv?.value.type === 'arr' && kv.value.length !== vocab) {
        sink.add(
          'tokenizer.array-length',
          kv.offset,
          `${key} has ${kv.value.length} entries, tokenizer.ggml.tokens has ${vocab}`,
          { key },
        );
      }
    }
  }
}
