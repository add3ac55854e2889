/**
 * Shapes and limits of the structural parser (parse.ts), shared by the reader, the layout and content
 * checks and the tensor-info reader.
 */
import type { FindingSink } from './findings.ts';
import type { TensorType } from './tensor-types.ts';
import type { GgufValue } from './values.ts';

export interface ParseOptions {
  /** Largest tensor count accepted (before the bytes-left check). */
  maxTensorCount?: number;
  /** Largest KV count accepted. */
  maxKvCount?: number;
  /** Longest string accepted, bytes (ggml: GGUF_MAX_STRING_LENGTH = 1 GiB). */
  maxStringBytes?: number;
  /** Most elements in one array (ggml: GGUF_MAX_ARRAY_ELEMENTS = 2^30). */
  maxArrayElements?: number;
  /** Deepest array nesting accepted (1 = arrays of scalars only; @huggingface/gguf allows 4). */
  maxArrayDepth?: number;
  /** Bytes of metadata (strings, arrays, infos) kept in memory; beyond it values are checked, not kept. */
  memoryBudgetBytes?: number;
  /** Findings kept per code. */
  maxFindingsPerCode?: number;
}

export const DEFAULT_PARSE_OPTIONS: Required<ParseOptions> = {
  maxTensorCount: 200_000,
  maxKvCount: 100_000,
  maxStringBytes: 1 << 30,
  maxArrayElements: 1 << 30,
  maxArrayDepth: 4,
  memoryBudgetBytes: 256 * 1024 * 1024,
  maxFindingsPerCode: 50,
};

export interface GgufKv {
  key: string;
  value: GgufValue;
  /** Offset of the key's length field. */
  offset: number;
}

export interface GgufTensorInfo {
  name: string;
  /** Dimensions as stored, innermost first (ne[0] is the row length). */
  dims: bigint[];
  typeId: number;
  /** Undefined when the id is out of range. */
  type?: TensorType;
  /** Offset relative to the data section, as stored. */
  offset: bigint;
  /** Bytes of data (0n when the type or shape is invalid). */
  nbytes: bigint;
  /** True when type and shape are valid, so nbytes is the tensor's real size. */
  sizeKnown: boolean;
  /** Offset of the tensor info record in the file. */
  infoOffset: number;
}

export interface ParsedGguf {
  size: number;
  version?: number;
  tensorCount?: bigint;
  kvCount?: bigint;
  /**
   * Each key as ggml and llama.cpp look it up (cut at a NUL byte, see ggmlName), mapped to the first KV
   * they would find under it (a Map: `__proto__` is just a key). The spelled key is the entry's `key`.
   */
  kv: Map<string, GgufKv>;
  /** Every KV in file order, duplicates included. */
  kvList: GgufKv[];
  tensors: GgufTensorInfo[];
  /** Alignment in force (general.alignment when valid, else 32). */
  alignment: number;
  /** End of the tensor infos. */
  infoEnd: number;
  /** Start of the data section (PAD(infoEnd, alignment) when there are tensors). */
  dataOffset: number;
  /** True when header, KVs and tensor infos were all read. */
  complete: boolean;
  findings: FindingSink;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const INT64_MAX = (1n << 63n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
/** Smallest KV record: u64 key length + 1 key byte + u32 type + 1 value byte. */
export const MIN_KV_BYTES = 14;
/** Smallest tensor info: u64 name length + u32 n_dims + u32 type + u64 offset. */
export const MIN_TENSOR_INFO_BYTES = 24;
/** Bytes set aside for keys and tensor names once the main budget is spent (they are needed for every check). */
export const NAME_RESERVE = 64 * 1024 * 1024;
/** Bytes charged to the memory budget per kept object, on top of its payload. */
export const OBJECT_OVERHEAD = 64;
export const KEY_GRAMMAR = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;
/** Keys that collide with header fields or object internals in parsers that use plain objects. */
export const RESERVED_KEYS = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'version',
  'tensor_count',
  'kv_count',
]);

/** Printable form of a name for messages: control characters escaped, length capped. */
/**
 * The name ggml and llama.cpp use for a key or tensor name: they keep the bytes in a std::string but look
 * keys up with strcmp (gguf_find_key) and copy tensor names with ggml_set_name(name.c_str()), so
 * everything from the first NUL byte on is invisible to them.
 */
export function ggmlName(s: string): string {
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

export function printable(s: string): string {
  let esc = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    esc += c < 0x20 || c === 0x7f ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
    if (esc.length > 120) return `${esc.slice(0, 117)}...`;
  }
  return esc;
}

export function padTo(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}
