/**
 * Scanner findings: every problem has a stable code (documented below, never renamed), a severity, the
 * byte offset where it was seen and a message naming the key or tensor. Severity policy: `error` = a
 * conforming loader (ggml's gguf.cpp, or the GGUF spec where stricter) must reject the file, or reading
 * it is unsafe; `warning` = loadable but suspicious or non-conforming to a SHOULD; `info` = context.
 */

export type Severity = 'error' | 'warning' | 'info';

/** The finding catalogue: code → default severity and what it means. */
export const FINDING_CODES = {
  // header
  'header.truncated': ['error', 'file ends inside the 24-byte header'],
  'header.magic': ['error', "magic is not 'GGUF'"],
  'header.byte-order': ['error', 'big-endian (byte-swapped) file; this reader is little-endian only'],
  'header.version': ['error', 'version is not 2 or 3 (0, 1 and > 3 are rejected by ggml)'],
  'header.tensor-count': [
    'error',
    'tensor count negative as int64, above the cap, or larger than the bytes left can hold',
  ],
  'header.kv-count': [
    'error',
    'KV count negative as int64, above the cap, or larger than the bytes left can hold',
  ],
  // key/value metadata
  'kv.truncated': ['error', 'file ends inside the metadata'],
  'kv.key-empty': ['error', 'empty key'],
  'kv.key-grammar': ['warning', 'key is not dot-separated lower_snake_case ASCII or longer than 65535 bytes'],
  'kv.key-duplicate': ['error', 'the same key appears twice'],
  'kv.type': ['error', 'unknown value type id'],
  'kv.bool': ['error', 'bool byte other than 0 or 1'],
  'kv.string-length': ['error', 'string length beyond the bytes left or the length cap'],
  'kv.utf8': ['error', 'string is not valid UTF-8'],
  'kv.array-length': ['error', 'array element count beyond the bytes left or the element cap'],
  'kv.array-nested': ['warning', 'array of arrays (allowed by the spec, rejected by ggml)'],
  'kv.array-depth': ['error', 'arrays nested deeper than the cap'],
  'kv.not-materialised': ['info', 'value over the memory budget was validated but not kept'],
  'kv.reserved-key': ['warning', 'key shadows a header field or an object-prototype name in naive parsers'],
  // well-known keys
  'align.type': ['error', 'general.alignment is not a u32'],
  'align.value': ['error', 'general.alignment is zero or not a power of two'],
  'align.multiple-of-8': ['warning', 'general.alignment is not a multiple of 8 (spec MUST; ggml accepts it)'],
  'meta.architecture': ['warning', 'general.architecture is missing or not a string'],
  'meta.quantization-version': ['warning', 'quantized tensors but no general.quantization_version'],
  'tokenizer.token-id': ['error', 'special token id is not below the vocabulary size'],
  'tokenizer.array-length': ['warning', 'tokenizer arrays disagree in length'],
  'template.unsafe': [
    'warning',
    'chat template uses constructs outside the safe subset (CVE-2024-34359 class)',
  ],
  'template.unparsable': ['warning', 'the Jinja parser rejects the chat template, so it cannot be vetted'],
  'template.payload': [
    'warning',
    'URL, encoded blob, invisible/bidi character or homoglyph role tag in the template text',
  ],
  'template.content-dependent': [
    'warning',
    'rendered prompt depends on message content, the date or tool names beyond formatting',
  ],
  'template.injected-text': [
    'warning',
    'rendered prompt carries text from no message even when the user gives a system prompt',
  ],
  'template.default-text': ['info', 'default system prompt or tool instructions the template adds'],
  'template.header-text': ['info', 'metadata header lines (a label and a date or number) the template adds'],
  'template.render-limit': ['warning', 'rendering ran past the time, output-size or memory bound'],
  'template.render-error': ['info', 'the template rejects some probe conversation shapes'],
  'template.unrenderable': ['warning', 'the template fails on every probe conversation'],
  'template.reference-diff': ['warning', 'rendered prompts differ from the trusted reference template'],
  'template.reference-match': ['info', 'rendered prompts are identical to the trusted reference template'],
  // tensor infos
  'tensor.truncated': ['error', 'file ends inside the tensor infos'],
  'tensor.name-empty': ['error', 'empty tensor name'],
  'tensor.name-length': ['error', 'tensor name of 64 bytes or more (GGML_MAX_NAME)'],
  'tensor.name-duplicate': ['error', 'two tensors share a name'],
  'tensor.n-dims': ['error', 'more than 4 dimensions'],
  'tensor.dim': ['error', 'a dimension is negative as int64'],
  'tensor.elements-overflow': ['error', 'product of dimensions does not fit in int64'],
  'tensor.type-unknown': ['error', 'ggml type id out of range'],
  'tensor.type-removed': ['error', 'ggml type id that ggml has removed'],
  'tensor.type-fork': ['error', "ggml type id past ggml's table that a fork (ik_llama.cpp) defines"],
  'tensor.type-fork-collision': ['info', 'ggml type id that a fork also uses, for the same or another type'],
  'tensor.block-size': ['error', 'first dimension is not a multiple of the block size'],
  'tensor.size-overflow': ['error', 'byte size does not fit in 64 bits'],
  'tensor.param-count': ['error', 'parameter count implausible for the file size'],
  // data layout
  'layout.data-start': ['error', 'aligned data section starts beyond the end of the file'],
  'layout.misaligned': ['error', 'tensor offset is not a multiple of the alignment'],
  'layout.out-of-bounds': ['error', 'tensor data extends beyond the end of the file'],
  'layout.overlap': ['error', 'tensor data ranges overlap'],
  'layout.non-canonical': [
    'error',
    'tensor offset differs from the packed order ggml requires (gap or reorder)',
  ],
  'layout.padding': ['warning', 'alignment padding bytes are not zero'],
  'layout.trailing-bytes': ['warning', 'bytes after the end of the tensor data'],
  // content
  'content.scale-nonfinite': ['warning', 'a block scale is NaN or infinite'],
  'content.nonfinite': ['warning', 'an f32/f16/bf16/f64 tensor holds NaN or infinite elements'],
  'content.non-reference-block': ['warning', "blocks ggml's quantizer could not have produced"],
  'content.unchecked': ['info', 'no spec for this type: block contents not checked'],
  'content.partial': ['info', 'content check stopped at the byte budget'],
  // split sets (gguf-split)
  'split.name': ['warning', 'split.count > 1 but the file name does not say where the other parts are'],
  'split.missing-part': ['error', 'a part of the split set is missing or unreadable'],
  'split.metadata': [
    'error',
    'split.no / split.count / split.tensors.count missing or disagreeing with the name or the first part',
  ],
  'split.tensor-count': ['error', 'the parts hold a different number of tensors than split.tensors.count'],
  'split.tensor-duplicate': ['error', 'a tensor name appears in more than one part'],
  'split.metadata-mismatch': [
    'warning',
    'a later part carries metadata that the first part lacks or contradicts',
  ],
  'scan.memory-budget': [
    'error',
    'keys, tensor names and infos exceed the memory budget; the file cannot be vetted',
  ],
  'scan.findings-capped': ['info', 'more findings of one code than the report keeps'],
} as const satisfies Record<string, readonly [Severity, string]>;

export type FindingCode = keyof typeof FINDING_CODES;

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** Absolute byte offset in the file where the problem was seen. */
  offset: number;
  message: string;
  key?: string;
  tensor?: string;
  /** Bytes the finding covers from `offset`, where known (an element, a field). */
  length?: number;
}

export type Verdict = 'clean' | 'suspicious' | 'malformed';

export function verdictOf(findings: readonly Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'error')) return 'malformed';
  if (findings.some((f) => f.severity === 'warning')) return 'suspicious';
  return 'clean';
}

/** Exit code of `qbench scan`: 0 clean, 1 suspicious, 2 malformed. */
export function exitCodeOf(verdict: Verdict): 0 | 1 | 2 {
  return verdict === 'malformed' ? 2 : verdict === 'suspicious' ? 1 : 0;
}

/**
 * Collects findings with a per-code cap, so a file with a million duplicate keys yields a bounded report
 * (and bounded memory) plus one `scan.findings-capped` note per code.
 */
export class FindingSink {
  readonly findings: Finding[] = [];
  private readonly perCode = new Map<string, number>();

  constructor(private readonly maxPerCode = 50) {}

  add(
    code: FindingCode,
    offset: number,
    message: string,
    where: { key?: string; tensor?: string; length?: number } = {},
  ): void {
    const n = (this.perCode.get(code) ?? 0) + 1;
    this.perCode.set(code, n);
    if (n > this.maxPerCode) {
      if (n === this.maxPerCode + 1) {
        this.push(
          'scan.findings-capped',
          offset,
          `more than ${this.maxPerCode} '${code}' findings; the rest are counted, not listed`,
        );
      }
      // The first maxPerCode entries are kept, so the verdict (which only needs one per severity) is exact.
      return;
    }
    this.push(code, offset, message, where);
  }

  count(code: FindingCode): number {
    return this.perCode.get(code) ?? 0;
  }

  private push(
    code: FindingCode,
    offset: number,
    message: string,
    where: { key?: string; tensor?: string; length?: number } = {},
  ): void {
    const severity = FINDING_CODES[code][0];
    this.findings.push({ code, severity, offset, message, ...where });
  }
}
