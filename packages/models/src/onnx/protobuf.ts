/**
 * Protocol-buffers wire format (proto2/proto3 share it), enough to write and read ONNX models by hand.
 * A field is a key varint `(fieldNumber << 3) | wireType` followed by its payload; ONNX uses three wire types:
 *   0 = varint (int32/int64/enum/bool), 2 = length-delimited (string/bytes/sub-message/packed), 5 = fixed32 (float).
 * Wire type 1 (fixed64: double fields such as TensorProto.double_data unpacked) is skipped by the reader.
 * Worked example: field 1 = varint 150 encodes as 08 96 01 (key 1<<3|0 = 0x08; 150 = 0b1_0010110 → 0x96 0x01).
 *
 * The project's one writer (formats/minifloat and formats/bnb build their onnxruntime test models with it);
 * it keeps payloads as chunks so that megabyte initializers are not copied byte by byte.
 */
import { QbenchError } from '@qbench/core';

export type WireType = 0 | 1 | 2 | 5;

/** Accumulates chunks; `finish()` concatenates them. Nested messages are written as finished bytes. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: number[] = [];
  private size = 0;

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(Uint8Array.from(this.pending));
    this.pending = [];
  }

  /** Unsigned LEB128. Negative int64 values are written as 10-byte two's complement, as protobuf does. */
  varint(value: number | bigint): this {
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new QbenchError('onnx.varint', `varint ${value} is not a safe integer`);
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.pending.push(Number(v & 0x7fn) | 0x80);
      this.size++;
      v >>= 7n;
    }
    this.pending.push(Number(v));
    this.size++;
    return this;
  }

  key(field: number, wire: WireType): this {
    return this.varint(field * 8 + wire);
  }

  /** int32/int64/enum/bool field (wire type 0). */
  int(field: number, value: number | bigint): this {
    return this.key(field, 0).varint(value);
  }

  /** float field (wire type 5, little-endian IEEE binary32). */
  float(field: number, value: number): this {
    this.key(field, 5);
    for (const b of new Uint8Array(new Float32Array([value]).buffer)) this.pending.push(b);
    this.size += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2).varint(value.length);
    this.flushPending();
    this.chunks.push(value);
    this.size += value.length;
    return this;
  }

  /** Already-encoded fields (key and payload), copied as they are: how a rewriter keeps what it does not touch. */
  raw(encoded: Uint8Array): this {
    this.flushPending();
    this.chunks.push(encoded);
    this.size += encoded.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** Packed repeated varints (one length-delimited run): how proto3 writes repeated int64 such as dims. */
  packedInts(field: number, values: ArrayLike<number>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]!);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    this.flushPending();
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** One field as read: its number, wire type, where it starts (key byte) and ends, and its payload. */
export interface ProtoField {
  field: number;
  wire: WireType;
  /** Offset of the key byte and one past the last payload byte, relative to the reader's buffer. */
  start: number;
  end: number;
  /** Varint payload (wire 0) as a bigint; fixed32/64 payload as raw bytes in `bytes`. */
  varint?: bigint;
  /** Length-delimited (wire 2) or fixed (wire 1/5) payload, a view into the buffer (not a copy). */
  bytes?: Uint8Array;
}

/**
 * Iterates the fields of one message. `what` names the message in errors (e.g. 'GraphProto'), with the byte
 * offset of the problem, so a truncated or corrupt file says where it broke.
 */
export function* readFields(buf: Uint8Array, what: string, base = 0): Generator<ProtoField> {
  let at = 0;
  const fail = (msg: string): never => {
    throw new QbenchError('onnx.protobuf', `${what} at byte ${base + at}: ${msg}`, { offset: base + at });
  };
  const readVarint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (at >= buf.length) fail('truncated varint');
      const b = buf[at++]!;
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
      shift += 7n;
      if (shift > 63n) fail('varint longer than 10 bytes');
    }
  };
  while (at < buf.length) {
    const start = at;
    const key = readVarint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) fail('field number 0');
    if (wire === 0) {
      const varint = readVarint();
      yield { field, wire, start, end: at, varint };
    } else if (wire === 2) {
      const len = Number(readVarint());
      if (at + len > buf.length) fail(`length ${len} runs past the end (${buf.length - at} bytes left)`);
      const bytes = buf.subarray(at, at + len);
      at += len;
      yield { field, wire, start, end: at, bytes };
    } else if (wire === 5 || wire === 1) {
      const len = wire === 5 ? 4 : 8;
      if (at + len > buf.length) fail('truncated fixed-width field');
      const bytes = buf.subarray(at, at + len);
      at += len;
      yield { field, wire, start, end: at, bytes };
    } else {
      fail(`unsupported wire type ${wire} (field ${field})`);
    }
  }
}

/** A varint as a JS number, treating int64 two's complement (negative dims never occur; attribute ints may). */
export function int64ToNumber(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

/** Packed or unpacked repeated varints: a wire-2 payload holds a run, a wire-0 field one value. */
export function repeatedVarints(f: ProtoField, what: string): number[] {
  if (f.wire === 0) return [int64ToNumber(f.varint!)];
  return packedVarints(f.bytes!, what);
}

/**
 * A packed run of varints (int64 two's complement, as int64ToNumber), in one pass over the bytes: a run can
 * be a whole tensor (int32_data holding fp16 bit patterns). A run that ends inside a varint is an error.
 */
export function packedVarints(run: Uint8Array, what: string): number[] {
  const out: number[] = [];
  let at = 0;
  while (at < run.length) {
    const start = at;
    let v = 0;
    let mul = 1;
    for (;;) {
      if (at >= run.length)
        throw new QbenchError('onnx.protobuf', `${what} at byte ${start}: truncated varint in a packed run`, {
          offset: start,
        });
      const b = run[at++]!;
      v += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    // over 7 bytes a value passes 2^49 and a double may drop bits: int64 negatives take 10, read them exactly
    out.push(at - start > 7 ? int64ToNumber(bigVarint(run, start)) : v);
  }
  return out;
}

/** The (complete) varint at `at`, exactly. */
function bigVarint(buf: Uint8Array, at: number): bigint {
  let v = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = buf[at++]!;
    v |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return v;
  }
}

export function utf8(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
