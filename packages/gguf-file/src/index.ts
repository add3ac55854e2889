/**
 * @qbench/gguf-file: GGUF container reader (streaming, on-demand tensor data), writer (canonical layout,
 * byte-identical round trip) and a hardened scanner with named findings. Node file access lives in the
 * `@qbench/gguf-file/node` entry so this one stays browser-safe.
 */

export type { ContentOptions } from './content.ts';
export {
  exitCodeOf,
  FINDING_CODES,
  type Finding,
  type FindingCode,
  type Severity,
  type Verdict,
  verdictOf,
} from './findings.ts';
export { GGML_TYPE_COUNT, GGML_TYPES_BY_ID, type GgmlTypeFacts, ggmlTypeFacts } from './ggml-types.ts';
export { type BlockInvariant, blockInvariant, roundTripInvariant } from './invariants.ts';
export {
  DEFAULT_PARSE_OPTIONS,
  GGUF_DEFAULT_ALIGNMENT,
  type GgufKv,
  type GgufTensorInfo,
  type ParsedGguf,
  type ParseOptions,
  parseGguf,
} from './parse.ts';
export { type GgufFile, openGguf } from './read.ts';
export { relativeUri, type SarifFile, type SarifOptions, toSarif } from './sarif.ts';
export { type ScanOptions, type ScanReport, scanGguf } from './scan.ts';
export { type ByteSource, blobSource, bytesSource } from './source.ts';
export { checkSplitSet, SPLIT_KEYS, type SplitName, type SplitPart, splitName, splitPath } from './split.ts';
export { screenChatTemplate, type TemplateIssue } from './template/pivots.ts';
export { staticTemplateIssues, type TemplateCheckIssue } from './template/static.ts';
export {
  elementCount,
  type ScaleField,
  scaleFields,
  type TensorType,
  tensorByteSize,
  tensorType,
  tensorTypeByName,
  tensorTypes,
} from './tensor-types.ts';
export * from './values.ts';
export {
  type GgufWriteInput,
  type GgufWriteTensor,
  writeGguf,
  writeGgufStream,
  writeInputFrom,
} from './write.ts';
