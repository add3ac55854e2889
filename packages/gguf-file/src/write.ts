/**
 * The writer: a GGUF v3 (or v2) file from metadata and tensors, in ggml's canonical layout — header,
 * KVs in the given order, tensor infos, zero padding to the alignment, then each tensor's data padded to
 * the alignment (the last one too, as gguf_write_out does). Unlike ggml's own writer (golden README,
 * caveat 6) the alignment used for offsets and padding is the general.alignment KV when present, so the
 * output always satisfies its own metadata. It refuses input a conforming reader would reject, and in
 * particular everything ggml's gguf_init_from_file refuses (checked in tests against ggml's loader):
 * duplicate or empty keys, nested arrays, strings and arrays over ggml's 2^30 caps, tensor names of 64+
 * bytes, shapes past ggml's element-count guard. It also refuses NUL bytes in keys and tensor names:
 * ggml reads such a name only up to the NUL, so the file would mean different things to different readers
 * ("w\0a" and "w\0b" are one tensor "w" to ggml). f32/f64 NaNs keep their bits (payload, signalling).
 * Output is produced as a stream of pieces, so tensor data can flow from a file without being loaded.
 */
import { QbenchError } from '@qbench/core';
import type { GgufFile } from './read.ts';
import { type TensorType, tensorByteSize, tensorType, tensorTypeByName } from './tensor-types.ts';
import { GGUF_SCALAR_BYTES, GGUF_TYPE_ID, type GgufArray, type GgufValue } from './values.ts';

export interface GgufWriteTensor {
  name: string;
  /** qbench/ggml type name (`q4_k`, `q4_K`, `f32`) or ggml type id. */
  type: string | number;
  /** Dimensions, innermost first (ne[0] = row length). */
  dims: ReadonlyArray<number | bigint>;
  /** The tensor bytes, whole or as a stream of pieces. */
  data: Uint8Array | AsyncIterable<Uint8Array>;
}

export interface GgufWriteInput {
  version?: 2 | 3;
  /** KVs in the order they are written (a Map keeps insertion order). */
  metadata: Iterable<readonly [string, GgufValue]>;
  tensors?: readonly GgufWriteTensor[];
}

const enc = new TextEncoder();

class Bytes {
  private parts: Uint8Array[] = [];
  length = 0;
  private push(b: Uint8Array): void {
    this.parts.push(b);
    this.length += b.length;
  }
  fixed(n: number, fill: (v: DataView) => void): void {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    this.push(b);
  }
  u32(x: number): void {
    this.fixed(4, (v) => v.setUint32(0, x, true));
  }
  u64(x: bigint | number): void {
    this.fixed(8, (v) => v.setBigUint64(0, BigInt(x), true));
  }
  raw(b: Uint8Array): void {
    this.push(b);
  }
  string(s: string, what = 'a string'): void {
    const b = enc.encode(s);
    if (BigInt(b.length) > GGML_MAX_COUNT) fail(`${what}: ${b.length}-byte string, above ggml's cap of 2^30`);
    this.u64(b.length);
    this.push(b);
  }
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    this.parts = [];
    this.length = 0;
    return out;
  }
}

/** ggml's GGUF_MAX_STRING_LENGTH and GGUF_MAX_ARRAY_ELEMENTS (src/gguf.cpp). */
const GGML_MAX_COUNT = 1n << 30n;
const INT64_MAX = (1n << 63n) - 1n;

function checkName(what: string, name: string): void {
  const nul = name.indexOf('\0');
  if (nul >= 0)
    fail(
      `${what} '${name.replaceAll('\0', '\\0')}' contains a NUL byte at ${nul}: ggml would read it as '${name.slice(0, nul)}'`,
    );
}

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new QbenchError('gguf.write', message, details);
}

function scalar(out: Bytes, v: Exclude<GgufValue, GgufArray>, key: string): void {
  switch (v.type) {
    case 'str':
      out.string(v.value, `'${key}'`);
      return;
    case 'bool':
      out.fixed(1, (d) => d.setUint8(0, v.value ? 1 : 0));
      return;
    case 'u64':
      out.fixed(8, (d) => d.setBigUint64(0, BigInt.asUintN(64, v.value), true));
      return;
    case 'i64':
      out.fixed(8, (d) => d.setBigInt64(0, BigInt.asIntN(64, v.value), true));
      return;
    default: {
      const t = v.type;
      if (!Number.isFinite(v.value) && t !== 'f32' && t !== 'f64')
        fail(`'${key}': ${t} value ${v.value} is not a number`);
      out.fixed(GGUF_SCALAR_BYTES[t], (d) => {
        if (t === 'u8') d.setUint8(0, v.value);
        else if (t === 'i8') d.setInt8(0, v.value);
        else if (t === 'u16') d.setUint16(0, v.value, true);
        else if (t === 'i16') d.setInt16(0, v.value, true);
        else if (t === 'u32') d.setUint32(0, v.value, true);
        else if (t === 'i32') d.setInt32(0, v.value, true);
        else if (t === 'f32') {
          // A NaN read from a file carries its bits: a float → double → float trip would quiet a
          // signalling NaN (and may drop the payload), so the bits are written back as they were.
          if (Number.isNaN(v.value) && typeof v.bits === 'number' && Number.isNaN(f32Of(v.bits)))
            d.setUint32(0, v.bits, true);
          else d.setFloat32(0, v.value, true);
        } else if (Number.isNaN(v.value) && typeof v.bits === 'bigint' && Number.isNaN(f64Of(v.bits)))
          d.setBigUint64(0, v.bits, true);
        else d.setFloat64(0, v.value, true);
      });
    }
  }
}

function f32Of(bits: number): number {
  const d = new DataView(new ArrayBuffer(4));
  d.setUint32(0, bits >>> 0, true);
  return d.getFloat32(0, true);
}

function f64Of(bits: bigint): number {
  const d = new DataView(new ArrayBuffer(8));
  d.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return d.getFloat64(0, true);
}

function array(out: Bytes, v: GgufArray, key: string): void {
  // ggml reads the element type and refuses ARRAY there: a nested array makes the file unloadable.
  if (v.elementType === 'arr') fail(`'${key}': nested arrays (arrays of arrays) are rejected by ggml`);
  if (v.length > GGML_MAX_COUNT) fail(`'${key}': ${v.length} elements, above ggml's cap of 2^30`);
  const vals = v.values;
  if (vals === undefined) fail(`'${key}': array was not kept in memory when read; it cannot be written`);
  if (BigInt(vals.length) !== v.length) fail(`'${key}': array length ${v.length} but ${vals.length} values`);
  out.u32(GGUF_TYPE_ID[v.elementType]);
  out.u64(v.length);
  if (v.elementType === 'str') {
    for (const s of vals as string[]) {
      if (typeof s !== 'string') fail(`'${key}': non-string element in a string array`);
      out.string(s, key);
    }
  } else {
    const typed = vals as ArrayBufferView;
    if (
      !ArrayBuffer.isView(typed) ||
      typed.byteLength !== Number(v.length) * GGUF_SCALAR_BYTES[v.elementType]
    ) {
      fail(`'${key}': ${v.elementType} array values must be a typed array of the element width`);
    }
    out.raw(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength).slice());
  }
}

interface PlannedTensor {
  t: GgufWriteTensor;
  type: TensorType;
  dims: bigint[];
  nbytes: bigint;
  offset: bigint;
}

function planTensor(t: GgufWriteTensor): Omit<PlannedTensor, 'offset'> {
  const type = typeof t.type === 'number' ? tensorType(t.type) : tensorTypeByName(t.type);
  if (!type || type.removed) fail(`tensor '${t.name}': unknown or removed type '${t.type}'`);
  const nameBytes = enc.encode(t.name).length;
  if (nameBytes === 0 || nameBytes >= 64)
    fail(`tensor name '${t.name}' must be 1..63 bytes (is ${nameBytes})`);
  checkName('tensor name', t.name);
  if (t.dims.length > 4) fail(`tensor '${t.name}' has ${t.dims.length} dimensions (at most 4)`);
  const dims = t.dims.map((d) => BigInt(d));
  if (dims.some((d) => d < 0n || d >= 1n << 63n)) fail(`tensor '${t.name}': dimensions must be in [0, 2^63)`);
  if ((dims[0] ?? 1n) % BigInt(type.blockElements) !== 0n) {
    fail(
      `tensor '${t.name}': row length ${dims[0]} is not a multiple of the ${type.name} block size ${type.blockElements}`,
    );
  }
  // ggml's guard (gguf.cpp, tensor shape): INT64_MAX/ne[1] <= ne[0], INT64_MAX/ne[2] <= ne[0]*ne[1], ...
  // refuse the shape even when the product itself would still fit.
  const ne = [0, 1, 2, 3].map((i) => dims[i] ?? 1n);
  if (ne.every((d) => d > 0n)) {
    let prefix = ne[0]!;
    for (let i = 1; i < 4; i++) {
      if (INT64_MAX / ne[i]! <= prefix)
        fail(`tensor '${t.name}': shape [${dims.join(', ')}] is past ggml's element-count limit (int64)`);
      prefix *= ne[i]!;
    }
  }
  const nbytes = tensorByteSize(type, dims);
  if (t.data instanceof Uint8Array && BigInt(t.data.length) !== nbytes) {
    fail(
      `tensor '${t.name}': ${t.data.length} data bytes, expected ${nbytes} for ${type.name} [${dims.join(', ')}]`,
    );
  }
  return { t, type, dims, nbytes };
}

function alignmentOf(metadata: ReadonlyArray<readonly [string, GgufValue]>): number {
  const kv = metadata.find(([k]) => k === 'general.alignment');
  if (!kv) return 32;
  const v = kv[1];
  if (v.type !== 'u32' || v.value === 0 || (v.value & (v.value - 1)) !== 0) {
    fail(
      `general.alignment must be a u32 power of two, got ${v.type} ${v.type === 'arr' ? '' : String(v.value)}`,
    );
  }
  return v.value;
}

/** The file as a stream of pieces: metadata first, then each tensor's data and padding. */
export async function* writeGgufStream(input: GgufWriteInput): AsyncGenerator<Uint8Array> {
  const metadata = [...input.metadata];
  const seen = new Set<string>();
  for (const [k] of metadata) {
    if (k.length === 0) fail('empty metadata key');
    checkName('metadata key', k);
    if (seen.has(k)) fail(`duplicate metadata key '${k}'`);
    seen.add(k);
  }
  const alignment = alignmentOf(metadata);
  const align = BigInt(alignment);
  const names = new Set<string>();
  let cursor = 0n;
  const planned: PlannedTensor[] = (input.tensors ?? []).map((t) => {
    const p = planTensor(t);
    if (names.has(t.name)) fail(`duplicate tensor name '${t.name}'`);
    names.add(t.name);
    const offset = cursor;
    cursor += ((p.nbytes + align - 1n) / align) * align;
    return { ...p, offset };
  });

  const out = new Bytes();
  out.raw(enc.encode('GGUF'));
  out.u32(input.version ?? 3);
  out.u64(planned.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key, 'a metadata key');
    out.u32(GGUF_TYPE_ID[value.type]);
    if (value.type === 'arr') array(out, value, key);
    else scalar(out, value, key);
  }
  for (const p of planned) {
    out.string(p.t.name, 'a tensor name');
    out.u32(p.dims.length);
    for (const d of p.dims) out.u64(d);
    out.u32(p.type.id);
    out.u64(p.offset);
  }
  const metaLength = out.length;
  out.raw(new Uint8Array((alignment - (metaLength % alignment)) % alignment));
  yield out.take();

  for (const p of planned) {
    let written = 0n;
    const pieces = p.t.data instanceof Uint8Array ? [p.t.data] : p.t.data;
    for await (const piece of pieces) {
      written += BigInt(piece.length);
      if (written > p.nbytes) fail(`tensor '${p.t.name}': more than ${p.nbytes} data bytes`);
      yield piece;
    }
    if (written !== p.nbytes) fail(`tensor '${p.t.name}': ${written} data bytes, expected ${p.nbytes}`);
    const pad = Number((align - (p.nbytes % align)) % align);
    if (pad > 0) yield new Uint8Array(pad);
  }
}

/** The whole file in memory (small files, tests, the corpus). */
export async function writeGguf(input: GgufWriteInput): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of writeGgufStream(input)) {
    parts.push(p);
    n += p.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Writer input that reproduces an opened file: same KVs in the same order, tensor data streamed from it. */
export function writeInputFrom(file: GgufFile): GgufWriteInput {
  return {
    version: file.version === 2 ? 2 : 3,
    metadata: file.kvs.map((kv) => [kv.key, kv.value] as const),
    tensors: file.tensors.map((t) => ({ name: t.name, type: t.typeId, dims: t.dims, data: file.chunks(t) })),
  };
}
