/**
 * A raw GGUF byte builder for malformed files. Unlike @qbench/gguf-file's writer (which refuses bad
 * input) it writes whatever it is told: any count, length, type id, dims or offset. Every field it
 * writes is recorded with its offset and kind, which the mutation fuzzer uses to aim at structure.
 */

export type FieldKind =
  | 'magic'
  | 'version'
  | 'count'
  | 'length'
  | 'type'
  | 'value'
  | 'bytes'
  /** The bytes of a metadata key. */
  | 'key'
  /** The bytes of a tensor name. */
  | 'name'
  | 'ndims'
  | 'dim'
  | 'offset'
  | 'data';

export interface FieldRecord {
  offset: number;
  size: number;
  kind: FieldKind;
}

const enc = new TextEncoder();

export class Emit {
  private buf = new Uint8Array(256);
  length = 0;
  readonly fields: FieldRecord[] = [];

  private grow(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
    }
    this.length += n;
    return at;
  }

  private record(kind: FieldKind, offset: number, size: number): void {
    this.fields.push({ offset, size, kind });
  }

  u8(x: number, kind: FieldKind = 'value'): this {
    const at = this.grow(1);
    this.buf[at] = x & 0xff;
    this.record(kind, at, 1);
    return this;
  }
  u32(x: number, kind: FieldKind = 'value'): this {
    const at = this.grow(4);
    new DataView(this.buf.buffer).setUint32(at, x >>> 0, true);
    this.record(kind, at, 4);
    return this;
  }
  u64(x: bigint | number, kind: FieldKind = 'value'): this {
    const at = this.grow(8);
    new DataView(this.buf.buffer).setBigUint64(at, BigInt.asUintN(64, BigInt(x)), true);
    this.record(kind, at, 8);
    return this;
  }
  f32(x: number): this {
    const at = this.grow(4);
    new DataView(this.buf.buffer).setFloat32(at, x, true);
    this.record('value', at, 4);
    return this;
  }
  bytes(b: Uint8Array, kind: FieldKind = 'bytes'): this {
    const at = this.grow(b.length);
    this.buf.set(b, at);
    if (b.length > 0) this.record(kind, at, b.length);
    return this;
  }
  /** u64 length + bytes; `length` overrides the stored length (for lying strings). */
  str(s: string | Uint8Array, length?: bigint): this {
    const b = typeof s === 'string' ? enc.encode(s) : s;
    this.u64(length ?? BigInt(b.length), 'length');
    return this.bytes(b);
  }
  zeros(n: number): this {
    this.grow(n);
    return this;
  }
  padTo(alignment: number, fill = 0): this {
    const n = (alignment - (this.length % alignment)) % alignment;
    const at = this.grow(n);
    this.buf.fill(fill, at, at + n);
    return this;
  }
  take(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** GGUF value type ids (docs/gguf.md). */
export const T = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  str: 8,
  arr: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;

export interface KvSpec {
  key: string | Uint8Array;
  /** Writes the value type id and the value. */
  value: (e: Emit) => void;
}

export interface TensorSpec {
  name: string | Uint8Array;
  dims: bigint[];
  /** ggml type id. */
  type: number;
  /** Relative offset; canonical packing when omitted. */
  offset?: bigint;
  /** Stored n_dims when it should lie about dims.length. */
  nDims?: number;
  /** Bytes placed at the tensor's offset (omitted: nothing placed, e.g. for out-of-bounds cases). */
  data?: Uint8Array;
}

export interface FileSpec {
  magic?: Uint8Array;
  version?: number;
  /** Stored counts when they should lie. */
  nTensors?: bigint;
  nKv?: bigint;
  kvs: KvSpec[];
  tensors: TensorSpec[];
  /** Alignment used for the layout (independent of any general.alignment KV, to model liars). */
  alignment?: number;
  /** Byte used for alignment padding. */
  padByte?: number;
  trailing?: Uint8Array;
  /** Cut the finished file to this many bytes. */
  truncateAt?: number;
}

export const str = (v: string | Uint8Array, length?: bigint) => (e: Emit) => {
  e.u32(T.str, 'type').str(v, length);
};
export const u32 = (v: number) => (e: Emit) => {
  e.u32(T.u32, 'type').u32(v);
};
export const u64 = (v: bigint) => (e: Emit) => {
  e.u32(T.u64, 'type').u64(v);
};
export const bool = (byte: number) => (e: Emit) => {
  e.u32(T.bool, 'type').u8(byte);
};
export const strArr = (items: string[]) => (e: Emit) => {
  e.u32(T.arr, 'type').u32(T.str, 'type').u64(items.length, 'count');
  for (const s of items) e.str(s);
};
export const f32Arr = (items: number[]) => (e: Emit) => {
  e.u32(T.arr, 'type').u32(T.f32, 'type').u64(items.length, 'count');
  for (const x of items) e.f32(x);
};

function padBig(n: bigint, a: bigint): bigint {
  return ((n + a - 1n) / a) * a;
}

/** Build a file from a spec: header, KVs, tensor infos, padding, data placed at the (possibly lying) offsets. */
export function buildFile(spec: FileSpec): { bytes: Uint8Array; fields: FieldRecord[] } {
  const e = new Emit();
  const align = spec.alignment ?? 32;
  e.bytes(spec.magic ?? enc.encode('GGUF'), 'magic');
  e.u32(spec.version ?? 3, 'version');
  e.u64(spec.nTensors ?? BigInt(spec.tensors.length), 'count');
  e.u64(spec.nKv ?? BigInt(spec.kvs.length), 'count');
  for (const kv of spec.kvs) {
    e.str(kv.key);
    kv.value(e);
  }
  let cursor = 0n;
  const offsets: bigint[] = [];
  for (const t of spec.tensors) {
    const offset = t.offset ?? cursor;
    offsets.push(offset);
    cursor = padBig(offset + BigInt(t.data?.length ?? 0), BigInt(align));
    e.str(t.name);
    e.u32(t.nDims ?? t.dims.length, 'ndims');
    for (const d of t.dims) e.u64(d, 'dim');
    e.u32(t.type, 'type');
    e.u64(offset, 'offset');
  }
  if (spec.tensors.length > 0 || spec.trailing === undefined) e.padTo(align, spec.padByte ?? 0);
  // Place each tensor's bytes at its offset; offsets far beyond the data (hostile cases) place nothing.
  let dataEnd = 0;
  spec.tensors.forEach((t, i) => {
    const off = offsets[i]!;
    if (!t.data || off > 1n << 24n) return;
    dataEnd = Math.max(dataEnd, Number(padBig(off + BigInt(t.data.length), BigInt(align))));
  });
  const data = new Uint8Array(dataEnd);
  spec.tensors.forEach((t, i) => {
    const off = offsets[i]!;
    if (t.data && off <= 1n << 24n) data.set(t.data, Number(off));
  });
  e.bytes(data, 'data');
  if (spec.trailing) e.bytes(spec.trailing);
  let bytes = e.take();
  if (spec.truncateAt !== undefined) bytes = bytes.slice(0, spec.truncateAt);
  return { bytes, fields: e.fields.filter((f) => f.offset + f.size <= bytes.length) };
}
