/**
 * A minimal protocol-buffers *writer* (proto3 wire format), enough to emit the handful of ONNX messages
 * qbench builds by hand. Only the three wire types ONNX models need are written:
 *   0 = varint (int32/int64/enum/bool), 2 = length-delimited (string/bytes/sub-message/packed), 5 = fixed32 (float).
 * A field is a key varint `(fieldNumber << 3) | wireType` followed by its payload.
 * Worked example: field 1 = varint 150 encodes as 08 96 01 (key 1<<3|0 = 0x08; 150 = 0b1_0010110 → 0x96 0x01).
 */
import { QbenchError } from '@qbench/core';

/** Accumulates bytes; `finish()` returns them. Messages nest by writing a finished child as bytes. */
export class ProtoWriter {
  private chunks: number[] = [];

  /** Unsigned LEB128 of a non-negative integer (up to 2^53) or a bigint (up to 2^64). */
  private varint(value: number | bigint): void {
    let v = typeof value === 'bigint' ? BigInt.asUintN(64, value) : value;
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v)) throw new QbenchError('onnx.varint', `varint ${v} is not a safe integer`);
      // Negative int64 (e.g. dims never are, but attribute ints may be) are written as 10-byte two's complement.
      if (v < 0) v = BigInt.asUintN(64, BigInt(v));
    }
    if (typeof v === 'bigint') {
      while (v >= 0x80n) {
        this.chunks.push(Number(v & 0x7fn) | 0x80);
        v >>= 7n;
      }
      this.chunks.push(Number(v));
      return;
    }
    while (v >= 0x80) {
      this.chunks.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.chunks.push(v);
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varint(field * 8 + wireType);
  }

  /** int32/int64/enum field (wire type 0). */
  int(field: number, value: number | bigint): this {
    this.key(field, 0);
    this.varint(value);
    return this;
  }

  /** float field (wire type 5, little-endian IEEE binary32). */
  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varint(value.length);
    for (const x of value) this.chunks.push(x);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  /** A nested message, already serialised. */
  message(field: number, encoded: Uint8Array): this {
    return this.bytes(field, encoded);
  }

  /** Packed repeated varints (proto3 default for repeated scalars): one length-delimited run. */
  packedInts(field: number, values: ArrayLike<number>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(values[i]!);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}
