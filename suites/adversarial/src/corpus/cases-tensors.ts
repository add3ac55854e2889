/**
 * Corpus cases aimed at alignment, tensor infos, the data layout, metadata semantics and block contents (see cases.ts for sources).
 */

import { buildFile, f32Arr, str, u32, u64 } from './emit.ts';
import {
  ARCH,
  baseSpec,
  type CorpusCase,
  concat,
  edit,
  header,
  M,
  NORM,
  QV,
  q6kBlock,
  q8Block,
  S,
  TOK,
  template,
  tq2Block,
  U64_MAX,
  vocab,
  withKv,
  withTensor,
} from './kit.ts';

export const TENSOR_CASES: readonly CorpusCase[] = [
  // alignment
  {
    id: 'align-0',
    group: 'alignment',
    description: 'general.alignment = 0',
    expected: M('align.value'),
    bytes: edit(withKv({ key: 'general.alignment', value: u32(0) })),
  },
  {
    id: 'align-3',
    group: 'alignment',
    description: 'general.alignment = 3',
    expected: M('align.value'),
    bytes: edit(withKv({ key: 'general.alignment', value: u32(3) })),
  },
  {
    id: 'align-24',
    group: 'alignment',
    description: 'general.alignment = 24 (multiple of 8, not a power of two)',
    expected: M('align.value'),
    bytes: edit(withKv({ key: 'general.alignment', value: u32(24) })),
  },
  {
    id: 'align-2^31',
    group: 'alignment',
    description: 'general.alignment = 2^31: data section beyond EOF',
    expected: M('layout.data-start'),
    bytes: edit(withKv({ key: 'general.alignment', value: u32(2 ** 31) })),
  },
  {
    id: 'align-u64',
    group: 'alignment',
    description: 'general.alignment stored as u64',
    expected: M('align.type'),
    bytes: edit(withKv({ key: 'general.alignment', value: u64(32n) })),
  },
  {
    id: 'align-string',
    group: 'alignment',
    description: "general.alignment = '32' (string)",
    expected: M('align.type'),
    bytes: edit(withKv({ key: 'general.alignment', value: str('32') })),
  },
  {
    id: 'align-4',
    group: 'alignment',
    description: 'general.alignment = 4 with a layout that follows it (spec: multiple of 8)',
    expected: S('align.multiple-of-8'),
    bytes: edit((s) => ({ ...withKv({ key: 'general.alignment', value: u32(4) })(s), alignment: 4 })),
  },
  {
    id: 'align-kv-ignored',
    group: 'alignment',
    description: "general.alignment = 64 but laid out at 32 (ggml's own writer pitfall)",
    expected: M('layout.misaligned'),
    bytes: edit(withKv({ key: 'general.alignment', value: u32(64) })),
  },

  // metadata semantics
  {
    id: 'no-architecture',
    group: 'meta',
    description: 'general.architecture missing',
    expected: S('meta.architecture'),
    bytes: edit((s) => ({ ...s, kvs: [QV] })),
  },
  {
    id: 'no-quantization-version',
    group: 'meta',
    description: 'q8_0 tensor without general.quantization_version',
    expected: S('meta.quantization-version'),
    bytes: edit((s) => ({ ...s, kvs: [ARCH] })),
  },

  // dims
  {
    id: 'ndims-5',
    group: 'dims',
    description: 'n_dims = 5',
    expected: M('tensor.n-dims'),
    bytes: edit(withTensor({ dims: [32n, 2n, 1n, 1n, 1n] })),
  },
  {
    id: 'ndims-u32max',
    group: 'dims',
    description: 'n_dims = 0xFFFFFFFF (Talos TALOS-2024-1912)',
    expected: M('tensor.n-dims'),
    bytes: edit(withTensor({ nDims: 0xffffffff })),
  },
  {
    id: 'dim-minus-1',
    group: 'dims',
    description: 'dimension −1 as int64',
    expected: M('tensor.dim'),
    bytes: edit(withTensor({ dims: [32n, U64_MAX] })),
  },
  {
    id: 'dim-2^63',
    group: 'dims',
    description: 'dimension 2^63',
    expected: M('tensor.dim'),
    bytes: edit(withTensor({ dims: [1n << 63n], type: 0, data: undefined }, 1)),
  },
  {
    id: 'dims-ggml-guard',
    group: 'dims',
    description:
      "dims [2^62 − 1, 2]: the product fits int64, ggml's guard INT64_MAX/ne[1] <= ne[0] rejects it",
    expected: M('tensor.elements-overflow'),
    bytes: edit(withTensor({ dims: [(1n << 62n) - 1n, 2n], type: 0, data: undefined }, 1)),
  },
  {
    id: 'dims-product-overflow',
    group: 'dims',
    description: 'dims 2^32 × 2^32 (product overflows int64)',
    expected: M('tensor.elements-overflow'),
    bytes: edit(withTensor({ dims: [1n << 32n, 1n << 32n], type: 0, data: undefined }, 1)),
  },
  {
    id: 'dims-exceed-file',
    group: 'dims',
    description: '4096×4096 f32 in a tiny file',
    expected: M('layout.out-of-bounds'),
    bytes: edit(withTensor({ dims: [4096n, 4096n] }, 1)),
  },
  {
    id: 'dims-param-count',
    group: 'dims',
    description: 'a 2^40-element i8 tensor: more parameters than 8 per file byte',
    expected: M('tensor.param-count'),
    bytes: edit(withTensor({ dims: [1n << 40n], type: 24 }, 1)),
  },

  // tensor types
  {
    id: 'type-removed-4',
    group: 'tensor-type',
    description: 'ggml type 4 (Q4_2, removed)',
    expected: M('tensor.type-removed'),
    bytes: edit(withTensor({ type: 4 }, 1)),
  },
  {
    id: 'type-removed-31',
    group: 'tensor-type',
    description: 'ggml type 31 (Q4_0_4_4, removed)',
    expected: M('tensor.type-removed'),
    bytes: edit(withTensor({ type: 31 }, 1)),
  },
  {
    id: 'type-removed-36',
    group: 'tensor-type',
    description: 'ggml type 36 (IQ4_NL_4_4, removed)',
    expected: M('tensor.type-removed'),
    bytes: edit(withTensor({ type: 36 }, 1)),
  },
  {
    id: 'type-43',
    group: 'tensor-type',
    description: 'ggml type 43 (= GGML_TYPE_COUNT)',
    expected: M('tensor.type-unknown'),
    bytes: edit(withTensor({ type: 43 }, 1)),
  },
  {
    id: 'type-minus-1',
    group: 'tensor-type',
    description: 'ggml type 0xFFFFFFFF (−1: negative index into type_traits)',
    expected: M('tensor.type-unknown'),
    bytes: edit(withTensor({ type: 0xffffffff }, 1)),
  },
  {
    id: 'q4k-100-columns',
    group: 'tensor-type',
    description: 'q4_K with rows of 100 elements (block 256)',
    expected: M('tensor.block-size'),
    bytes: edit(withTensor({ type: 12, dims: [100n, 1n] }, 0)),
  },

  // names
  {
    id: 'name-64-bytes',
    group: 'names',
    description: 'tensor name of 64 bytes (GGML_MAX_NAME)',
    expected: M('tensor.name-length'),
    bytes: edit(withTensor({ name: 'n'.repeat(64) })),
  },
  {
    id: 'name-65-bytes',
    group: 'names',
    description: 'tensor name of 65 bytes',
    expected: M('tensor.name-length'),
    bytes: edit(withTensor({ name: 'n'.repeat(65) })),
  },
  {
    id: 'name-empty',
    group: 'names',
    description: 'empty tensor name',
    expected: M('tensor.name-empty'),
    bytes: edit(withTensor({ name: '' })),
  },
  {
    id: 'name-duplicate',
    group: 'names',
    description: 'two tensors with the same name',
    expected: M('tensor.name-duplicate'),
    bytes: edit(withTensor({ name: 'token_embd.weight' }, 1)),
  },
  // NUL bytes in tensor names: ggml copies names with ggml_set_name(name.c_str()), cutting at the NUL.
  {
    id: 'name-nul-collision',
    group: 'names',
    description: "tensor names 'w\\0a' and 'w\\0b': both 'w' to ggml, a duplicate it rejects",
    expected: M('tensor.name-duplicate'),
    bytes: edit((s) => withTensor({ name: 'w\0b' }, 1)(withTensor({ name: 'w\0a' }, 0)(s))),
  },
  {
    id: 'name-nul-collides-plain',
    group: 'names',
    description: "tensor 1 named 'token_embd.weight\\0x': to ggml that is tensor 0's name",
    expected: M('tensor.name-duplicate'),
    bytes: edit(withTensor({ name: 'token_embd.weight\0x' }, 1)),
  },
  {
    id: 'name-nul-unique',
    group: 'names',
    description: "tensor 'output_norm.weight\\0x': loads in ggml as 'output_norm.weight'",
    expected: S('tensor.name-nul'),
    bytes: edit(withTensor({ name: 'output_norm.weight\0x' }, 1)),
  },
  {
    id: 'name-nul-64-bytes',
    group: 'names',
    description: 'tensor name of 64 bytes with a NUL at 4: ggml checks the length before cutting',
    expected: M('tensor.name-length'),
    bytes: edit(withTensor({ name: `norm\0${'x'.repeat(59)}` }, 1)),
  },
  {
    id: 'name-invalid-utf8',
    group: 'names',
    description: 'tensor name bytes FF FE',
    expected: M('kv.utf8'),
    bytes: edit(withTensor({ name: new Uint8Array([0xff, 0xfe]) })),
  },
  {
    id: 'name-len-past-end',
    group: 'names',
    description: 'tensor name length 2^64−1',
    expected: M('kv.string-length'),
    bytes: header(3, 1n, 0n, [...new Array(8).fill(0xff), ...new Array(24).fill(0)]),
  },

  // layout
  {
    id: 'offset-misaligned',
    group: 'layout',
    description: 'second tensor at offset 65 (alignment 32)',
    expected: M('layout.misaligned'),
    bytes: edit(withTensor({ offset: 65n }, 1)),
  },
  {
    id: 'offset-past-eof',
    group: 'layout',
    description: 'offset 2^40',
    expected: M('layout.out-of-bounds'),
    bytes: edit(withTensor({ offset: 1n << 40n }, 1)),
  },
  {
    id: 'offset-wraps',
    group: 'layout',
    description: 'offset 2^64−32: offset + size wraps in 64-bit arithmetic',
    expected: M('layout.out-of-bounds'),
    bytes: edit(withTensor({ offset: U64_MAX - 31n }, 1)),
  },
  {
    id: 'overlap',
    group: 'layout',
    description: 'both tensors at offset 0',
    expected: M('layout.overlap'),
    bytes: edit(withTensor({ offset: 0n }, 1)),
  },
  {
    id: 'reordered',
    group: 'layout',
    description: 'second tensor stored before the first',
    expected: M('layout.non-canonical'),
    bytes: edit((s) => ({
      ...s,
      tensors: [
        { ...TOK, offset: 32n },
        { ...NORM, offset: 0n },
      ],
    })),
  },
  {
    id: 'gap',
    group: 'layout',
    description: 'a 64-byte gap between tensors (ggml rejects gaps)',
    expected: M('layout.non-canonical'),
    bytes: edit(withTensor({ offset: 160n }, 1)),
  },
  {
    id: 'data-truncated',
    group: 'layout',
    description: "file cut inside the first tensor's data",
    expected: M('layout.out-of-bounds'),
    bytes: () => {
      const b = buildFile(baseSpec()).bytes;
      return b.slice(0, b.length - 60);
    },
  },
  {
    id: 'infos-truncated',
    group: 'layout',
    description: 'file cut inside the tensor infos',
    expected: M('tensor.truncated'),
    bytes: () => {
      const b = buildFile(baseSpec()).bytes;
      return b.slice(0, 150);
    },
  },
  {
    id: 'trailing-garbage',
    group: 'layout',
    description: '100 bytes after the padded data',
    expected: S('layout.trailing-bytes'),
    bytes: edit((s) => ({ ...s, trailing: new Uint8Array(100).fill(0x41) })),
  },
  {
    id: 'padding-nonzero',
    group: 'layout',
    description: 'alignment padding filled with 0xAA',
    expected: S('layout.padding'),
    bytes: edit((s) => ({ ...s, padByte: 0xaa })),
  },

  // semantic
  {
    id: 'bos-eq-vocab',
    group: 'semantic',
    description: 'bos_token_id = vocab size (off by one)',
    expected: M('tokenizer.token-id'),
    bytes: edit(vocab(8, [{ key: 'tokenizer.ggml.bos_token_id', value: u32(8) }])),
  },
  {
    id: 'eos-u32max',
    group: 'semantic',
    description: 'eos_token_id = 0xFFFFFFFF',
    expected: M('tokenizer.token-id'),
    bytes: edit(vocab(8, [{ key: 'tokenizer.ggml.eos_token_id', value: u32(0xffffffff) }])),
  },
  {
    id: 'fim-id-u64',
    group: 'semantic',
    description: 'fim_pre_token_id as u64 2^40',
    expected: M('tokenizer.token-id'),
    bytes: edit(vocab(8, [{ key: 'tokenizer.ggml.fim_pre_token_id', value: u64(1n << 40n) }])),
  },
  {
    id: 'scores-length',
    group: 'semantic',
    description: 'scores has 3 entries for 8 tokens',
    expected: S('tokenizer.array-length'),
    bytes: edit(vocab(8, [{ key: 'tokenizer.ggml.scores', value: f32Arr([0, 0, 0]) }])),
  },
  {
    id: 'template-ssti-mro',
    group: 'semantic',
    description: "template walking ''.__class__.__mro__ to __subclasses__ (CVE-2024-34359)",
    expected: S('template.unsafe'),
    bytes: edit(withKv(template("{{ ''.__class__.__mro__[1].__subclasses__() }}"))),
  },
  {
    id: 'template-cycler-globals',
    group: 'semantic',
    description: 'cycler.__init__.__globals__.os.popen',
    expected: S('template.unsafe'),
    bytes: edit(withKv(template("{{ cycler.__init__.__globals__.os.popen('id').read() }}"))),
  },
  {
    id: 'template-attr-escape',
    group: 'semantic',
    description: 'attr filter with \\x5f escapes',
    expected: S('template.unsafe'),
    bytes: edit(withKv(template("{{ ()|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"))),
  },
  {
    id: 'template-import',
    group: 'semantic',
    description: '{% import %} statement',
    expected: S('template.unsafe'),
    bytes: edit(withKv(template("{% import 'os' as os %}{{ messages }}"))),
  },
  {
    id: 'template-set-dunder',
    group: 'semantic',
    description: '{% set __x %} and a named template',
    expected: S('template.unsafe'),
    bytes: edit(
      withKv({ key: 'tokenizer.chat_template.tool_use', value: str('{% set __x = lipsum %}{{ __x }}') }),
    ),
  },

  // content
  {
    id: 'scale-nan',
    group: 'content',
    description: 'q8_0 block with d = NaN (0x7E00)',
    expected: S('content.scale-nonfinite'),
    bytes: edit(withTensor({ data: concat(q8Block(), q8Block(0x7e00)) })),
  },
  {
    id: 'scale-inf',
    group: 'content',
    description: 'q8_0 block with d = −inf (0xFC00)',
    expected: S('content.scale-nonfinite'),
    bytes: edit(withTensor({ data: concat(q8Block(0xfc00), q8Block()) })),
  },
  {
    id: 'q8-non-reference',
    group: 'content',
    description: 'q8_0 block whose largest code is 100 (ggml always reaches ±127)',
    expected: S('content.non-reference-block'),
    bytes: edit(withTensor({ data: concat(q8Block(), q8Block(0x2000, new Array(32).fill(100))) })),
  },
  {
    id: 'q6k-non-reference',
    group: 'content',
    description: 'q6_K block with no sub-block scale at −128',
    expected: S('content.non-reference-block'),
    bytes: edit(withTensor({ type: 14, dims: [256n, 1n], data: q6kBlock(3) })),
  },
  {
    id: 'tq2-non-reference',
    group: 'content',
    description: 'tq2_0 block with d = 1 but every code at 0 (idempotence check: ggml sets d = amax)',
    expected: S('content.non-reference-block'),
    bytes: edit(withTensor({ type: 35, dims: [256n], data: tq2Block(0x3c00, 0x55) })),
  },
  {
    id: 'tq2-negative-d',
    group: 'content',
    description: 'tq2_0 block with a negative d (ggml stores d = amax ≥ 0)',
    expected: S('content.non-reference-block'),
    bytes: edit(withTensor({ type: 35, dims: [256n], data: tq2Block(0xbc00, 0x96) })),
  },
  {
    id: 'mxfp4-e8m0-nan',
    group: 'content',
    description: 'mxfp4 block with the E8M0 scale 0xFF (NaN)',
    expected: S('content.scale-nonfinite'),
    bytes: edit(
      withTensor({ type: 39, dims: [32n], data: new Uint8Array([0xff, ...new Array(16).fill(0x17)]) }),
    ),
  },
];
