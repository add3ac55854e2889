/**
 * Corpus cases aimed at the header, the counts and the key/value metadata (see cases.ts for sources).
 */

import { bool, buildFile, str, strArr, T, u32, u64 } from './emit.ts';
import {
  ARCH,
  baseSpec,
  CLEAN,
  type CorpusCase,
  edit,
  header,
  M,
  nested,
  QV,
  raw,
  S,
  template,
  U64_MAX,
  vocab,
  withKv,
} from './kit.ts';

export const METADATA_CASES: readonly CorpusCase[] = [
  // controls: the scanner must not cry wolf
  {
    id: 'control-valid',
    group: 'control',
    description: 'the valid base file',
    expected: CLEAN,
    bytes: edit((s) => s),
  },
  {
    id: 'control-no-tensors',
    group: 'control',
    description: 'metadata only',
    expected: CLEAN,
    bytes: edit((s) => ({ ...s, tensors: [] })),
  },
  {
    id: 'control-chatml-template',
    group: 'control',
    description: 'an ordinary ChatML template with namespace() and loop.last',
    expected: CLEAN,
    bytes: edit(
      withKv(
        template(
          "{%- set ns = namespace(first=true) -%}{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] | trim + '<|im_end|>' }}{% if loop.last and add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}{% endfor %}",
        ),
      ),
    ),
  },
  {
    id: 'control-token-ids',
    group: 'control',
    description: 'bos/eos ids inside an 8-token vocabulary',
    expected: CLEAN,
    bytes: edit(
      vocab(8, [
        { key: 'tokenizer.ggml.bos_token_id', value: u32(1) },
        { key: 'tokenizer.ggml.eos_token_id', value: u32(7) },
      ]),
    ),
  },

  // header
  {
    id: 'magic-bad',
    group: 'header',
    description: "magic 'GGUX'",
    expected: M('header.magic'),
    bytes: edit((s) => ({ ...s, magic: new TextEncoder().encode('GGUX') })),
  },
  {
    id: 'magic-ggml',
    group: 'header',
    description: 'legacy ggml magic (lmgg)',
    expected: M('header.magic'),
    bytes: edit((s) => ({ ...s, magic: new TextEncoder().encode('lmgg') })),
  },
  {
    id: 'magic-truncated',
    group: 'header',
    description: 'two bytes of magic',
    expected: M('header.truncated'),
    bytes: raw([0x47, 0x47]),
  },
  {
    id: 'empty-file',
    group: 'header',
    description: 'zero bytes',
    expected: M('header.truncated'),
    bytes: raw([]),
  },
  {
    id: 'header-truncated',
    group: 'header',
    description: 'magic and version only',
    expected: M('header.truncated'),
    bytes: raw([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, 0, 0]),
  },
  {
    id: 'version-0',
    group: 'header',
    description: 'version 0',
    expected: M('header.version'),
    bytes: edit((s) => ({ ...s, version: 0 })),
  },
  {
    id: 'version-1',
    group: 'header',
    description: 'GGUFv1 (u32 counts), unsupported',
    expected: M('header.version'),
    bytes: edit((s) => ({ ...s, version: 1 })),
  },
  {
    id: 'version-4',
    group: 'header',
    description: 'future version 4',
    expected: M('header.version'),
    bytes: edit((s) => ({ ...s, version: 4 })),
  },
  {
    id: 'version-max',
    group: 'header',
    description: 'version 0xFFFFFFFF',
    expected: M('header.version'),
    bytes: edit((s) => ({ ...s, version: 0xffffffff })),
  },
  {
    id: 'byte-swapped',
    group: 'header',
    description: 'big-endian v3 (version bytes 00 00 00 03)',
    expected: M('header.byte-order'),
    bytes: edit((s) => ({ ...s, version: 0x03000000 })),
  },

  // counts
  {
    id: 'tensors-2^63',
    group: 'counts',
    description: 'n_tensors = 2^63 (negative as int64)',
    expected: M('header.tensor-count'),
    bytes: header(3, 1n << 63n, 0n),
  },
  {
    id: 'tensors-u64max',
    group: 'counts',
    description: 'n_tensors = 2^64−1',
    expected: M('header.tensor-count'),
    bytes: header(3, U64_MAX, 0n),
  },
  {
    id: 'kv-2^63',
    group: 'counts',
    description: 'n_kv = 2^63',
    expected: M('header.kv-count'),
    bytes: header(3, 0n, 1n << 63n),
  },
  {
    id: 'kv-u64max',
    group: 'counts',
    description: 'n_kv = 2^64−1',
    expected: M('header.kv-count'),
    bytes: header(3, 0n, U64_MAX),
  },
  {
    id: 'kv-cve-2024-25664',
    group: 'counts',
    description: 'n_kv = 0x055555555555555a: n_kv·sizeof(gguf_kv) wraps to 0xe0 (Databricks PoC)',
    expected: M('header.kv-count'),
    bytes: header(3, 0n, 0x055555555555555an),
  },
  {
    id: 'tensors-cve-2024-25666',
    group: 'counts',
    description: 'n_tensors = 0x1D1D1D1D1D1D1D1D (×88 wraps)',
    expected: M('header.tensor-count'),
    bytes: header(3, 0x1d1d1d1d1d1d1d1dn, 0n),
  },
  {
    id: 'kv-u32max-tiny',
    group: 'counts',
    description: 'n_kv = 0xFFFFFFFF in a 40-byte file',
    expected: M('header.kv-count'),
    bytes: header(3, 0n, 0xffffffffn, new Array(16).fill(0)),
  },
  {
    id: 'tensors-more-than-fit',
    group: 'counts',
    description: 'n_tensors = 1000, plausible but more than the bytes left can hold',
    expected: M('header.tensor-count'),
    bytes: edit((s) => ({ ...s, nTensors: 1000n })),
  },
  {
    id: 'kv-count-lies',
    group: 'counts',
    description: 'n_kv one more than present: the tensor infos are read as a KV',
    expected: M('kv.string-length'),
    bytes: edit((s) => ({ ...s, nKv: 3n })),
  },

  // strings
  {
    id: 'key-len-u64max',
    group: 'strings',
    description: 'key length 2^64−1 (len+1 wraps: CVE-2024-25665)',
    expected: M('kv.string-length'),
    bytes: header(3, 0n, 1n, [...new Array(8).fill(0xff), ...new Array(16).fill(0x61)]),
  },
  {
    id: 'key-len-2^30+1',
    group: 'strings',
    description: "key length 2^30+1 (over ggml's 1 GiB cap)",
    expected: M('kv.string-length'),
    bytes: header(3, 0n, 1n, [1, 0, 0, 0x40, 0, 0, 0, 0, ...new Array(16).fill(0x61)]),
  },
  {
    id: 'key-len-past-end',
    group: 'strings',
    description: 'key length 100 with 20 bytes left',
    expected: M('kv.string-length'),
    bytes: header(3, 0n, 1n, [100, 0, 0, 0, 0, 0, 0, 0, ...new Array(20).fill(0x61)]),
  },
  {
    id: 'key-empty',
    group: 'strings',
    description: 'zero-length key',
    expected: M('kv.key-empty'),
    bytes: edit(withKv({ key: '', value: u32(1) })),
  },
  // Keys with a NUL byte: ggml keeps the bytes but gguf_find_key (strcmp) and llama.cpp look them up up to
  // the NUL, so the scanner must judge the value under the key they would read.
  {
    id: 'key-nul-alignment-3',
    group: 'strings',
    description: "'general.alignment\\0x' = 3: ggml reads it as general.alignment (not a power of two)",
    expected: M('align.value'),
    bytes: edit(withKv({ key: 'general.alignment\0x', value: u32(3) })),
  },
  {
    id: 'key-nul-alignment-str',
    group: 'strings',
    description: "'general.alignment\\0x' is a string: ggml rejects the alignment's type",
    expected: M('align.type'),
    bytes: edit(withKv({ key: 'general.alignment\0x', value: str('32') })),
  },
  {
    id: 'key-nul-shadows-bos',
    group: 'strings',
    description:
      "'tokenizer.ggml.bos_token_id\\0x' = 9 before the real one (= 0), vocabulary of 5: llama.cpp reads 9",
    expected: M('tokenizer.token-id'),
    bytes: edit(
      vocab(5, [
        { key: 'tokenizer.ggml.bos_token_id\0x', value: u32(9) },
        { key: 'tokenizer.ggml.bos_token_id', value: u32(0) },
      ]),
    ),
  },
  {
    id: 'key-nul-arch',
    group: 'strings',
    description: "'general.architecture\\0evil' alone: loads, read as general.architecture",
    expected: S('kv.key-nul'),
    bytes: () =>
      buildFile({ ...baseSpec(), kvs: [{ key: 'general.architecture\0evil', value: str('corpus') }, QV] })
        .bytes,
  },
  {
    id: 'key-invalid-utf8',
    group: 'strings',
    description: 'key bytes C3 28 (invalid UTF-8)',
    expected: M('kv.utf8'),
    bytes: edit(withKv({ key: new Uint8Array([0x61, 0xc3, 0x28]), value: u32(1) })),
  },
  {
    id: 'key-proto',
    group: 'strings',
    description: "key '__proto__' with an array value (prototype pollution in plain-object parsers)",
    expected: S('kv.reserved-key'),
    bytes: edit(withKv({ key: '__proto__', value: strArr(['polluted']) })),
  },
  {
    id: 'key-tensor-count',
    group: 'strings',
    description: "key 'tensor_count' (overwrites the header field in @huggingface/gguf's metadata object)",
    expected: S('kv.reserved-key'),
    bytes: edit(withKv({ key: 'tensor_count', value: u64(1n << 40n) })),
  },
  {
    id: 'key-duplicate',
    group: 'strings',
    description: 'general.architecture twice',
    expected: M('kv.key-duplicate'),
    bytes: edit(withKv({ key: 'general.architecture', value: str('other') })),
  },
  {
    id: 'key-70000-bytes',
    group: 'strings',
    description: '70,000-byte key (spec: ≤ 65535)',
    expected: S('kv.key-grammar'),
    bytes: edit(withKv({ key: 'k'.repeat(70000), value: u32(1) })),
  },
  {
    id: 'key-grammar',
    group: 'strings',
    description: "key 'General Architecture!'",
    expected: S('kv.key-grammar'),
    bytes: edit(withKv({ key: 'General Architecture!', value: u32(1) })),
  },
  {
    id: 'value-invalid-utf8',
    group: 'strings',
    description: 'string value with a lone continuation byte',
    expected: M('kv.utf8'),
    bytes: edit(withKv({ key: 'general.name', value: str(new Uint8Array([0x6f, 0x6b, 0x80])) })),
  },
  {
    id: 'value-overlong-utf8',
    group: 'strings',
    description: "string value with an overlong '/' (C0 AF)",
    expected: M('kv.utf8'),
    bytes: edit(withKv({ key: 'general.name', value: str(new Uint8Array([0xc0, 0xaf])) })),
  },
  {
    id: 'value-len-past-end',
    group: 'strings',
    description: 'string value length 4096 near EOF',
    expected: M('kv.string-length'),
    bytes: edit((s) => ({
      ...s,
      tensors: [],
      kvs: [...s.kvs, { key: 'general.name', value: str('abc', 4096n) }],
    })),
  },

  // value types
  {
    id: 'type-13',
    group: 'types',
    description: 'value type 13',
    expected: M('kv.type'),
    bytes: edit(withKv({ key: 'x.y', value: (e) => e.u32(13, 'type').u32(0) })),
  },
  {
    id: 'type-u32max',
    group: 'types',
    description: 'value type 0xFFFFFFFF (−1 as int32)',
    expected: M('kv.type'),
    bytes: edit(withKv({ key: 'x.y', value: (e) => e.u32(0xffffffff, 'type').u32(0) })),
  },
  {
    id: 'array-of-type-13',
    group: 'types',
    description: 'array whose element type is 13',
    expected: M('kv.type'),
    bytes: edit(
      withKv({ key: 'x.y', value: (e) => e.u32(T.arr, 'type').u32(13, 'type').u64(1, 'count').u32(0) }),
    ),
  },
  {
    id: 'array-nested-2',
    group: 'types',
    description: 'array of arrays (spec-legal, ggml rejects: element type 9)',
    expected: M('kv.array-nested'),
    bytes: edit(withKv({ key: 'x.nested', value: nested(2) })),
  },
  {
    id: 'array-nested-5',
    group: 'types',
    description: 'arrays nested 5 deep (cap 4)',
    expected: M('kv.array-depth'),
    bytes: edit(withKv({ key: 'x.nested', value: nested(5) })),
  },
  {
    id: 'array-nested-10000',
    group: 'types',
    description: 'arrays nested 10,000 deep (recursion DoS in gguf-py)',
    expected: M('kv.array-depth'),
    bytes: edit(withKv({ key: 'x.nested', value: nested(10000) })),
  },
  {
    id: 'array-n-2^62-u64',
    group: 'types',
    description: '2^62 u64 elements: n·8 wraps to 0 (CVE-2024-25667)',
    expected: M('kv.array-length'),
    bytes: edit(
      withKv({
        key: 'x.y',
        value: (e) =>
          e
            .u32(T.arr, 'type')
            .u32(T.u64, 'type')
            .u64(1n << 62n, 'count'),
      }),
    ),
  },
  {
    id: 'array-n-u64max',
    group: 'types',
    description: '2^64−1 u8 elements',
    expected: M('kv.array-length'),
    bytes: edit(
      withKv({ key: 'x.y', value: (e) => e.u32(T.arr, 'type').u32(T.u8, 'type').u64(U64_MAX, 'count') }),
    ),
  },
  {
    id: 'array-str-n-huge',
    group: 'types',
    description: 'string array of 2^40 elements in a tiny file (CVE-2024-25668)',
    expected: M('kv.array-length'),
    bytes: edit(
      withKv({
        key: 'x.y',
        value: (e) =>
          e
            .u32(T.arr, 'type')
            .u32(T.str, 'type')
            .u64(1n << 40n, 'count'),
      }),
    ),
  },
  {
    id: 'array-2^30+1',
    group: 'types',
    description: "array count above ggml's 2^30 cap",
    expected: M('kv.array-length'),
    bytes: edit(
      withKv({
        key: 'x.y',
        value: (e) =>
          e
            .u32(T.arr, 'type')
            .u32(T.u8, 'type')
            .u64((1n << 30n) + 1n, 'count'),
      }),
    ),
  },
  {
    id: 'bool-2',
    group: 'types',
    description: 'bool byte 2',
    expected: M('kv.bool'),
    bytes: edit(withKv({ key: 'x.flag', value: bool(2) })),
  },
  {
    id: 'bool-array-ff',
    group: 'types',
    description: 'bool array containing 0xFF',
    expected: M('kv.bool'),
    bytes: edit(
      withKv({
        key: 'x.flags',
        value: (e) => e.u32(T.arr, 'type').u32(T.bool, 'type').u64(3, 'count').u8(1).u8(0xff).u8(0),
      }),
    ),
  },
  {
    id: 'value-truncated',
    group: 'types',
    description: 'file ends inside a u64 value',
    expected: M('kv.truncated'),
    bytes: () => {
      const { bytes, fields } = buildFile({ kvs: [ARCH, { key: 'x.y', value: u64(5n) }], tensors: [] });
      const last = fields.filter((f) => f.kind === 'value').at(-1)!;
      return bytes.slice(0, last.offset + 5);
    },
  },
];
