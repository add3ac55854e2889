/**
 * A streaming index of an ONNX file: walks the protobuf framing through a file handle, keeping nodes (small)
 * and each initializer's header (name, dims, data type) but only the *offset and length* of its payload.
 * Payloads are read one tensor at a time, so memory is bounded by the largest tensor, not the model — the
 * same guarantee the safetensors and GGUF readers give. Field numbers as in read.ts (onnx.proto):
 * ModelProto.graph 7, GraphProto.node 1 / initializer 5, TensorProto dims 1, data_type 2, float_data 4,
 * int32_data 5, name 8, raw_data 9, double_data 10, data_location 14.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { QbenchError } from '@qbench/core';
import { packedVarints } from './protobuf.ts';
import type { OnnxInitializer, OnnxModel } from './read.ts';
import { emptyOnnxModel, parseNode, tensorToFloat32 } from './read.ts';

/** Payload fields whose bytes are left on disk until a tensor is read. */
const PAYLOAD_FIELDS: Readonly<Record<number, 'raw' | 'floatData' | 'int32' | 'doubleData'>> = {
  9: 'raw',
  4: 'floatData',
  5: 'int32',
  10: 'doubleData',
};

interface Span {
  offset: number;
  length: number;
}

interface IndexedInitializer {
  header: OnnxInitializer;
  payload?: { kind: 'raw' | 'floatData' | 'int32' | 'doubleData'; spans: Span[] };
}

export interface OnnxIndex {
  /** The model with nodes and initializer headers; initializers carry no payload (read them by name). */
  model: OnnxModel;
  readFloat32(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

class Cursor {
  private readonly buf = Buffer.alloc(10);
  constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  fail(offset: number, what: string): never {
    throw new QbenchError('onnx.stream', `${this.path}: offset ${offset}: ${what}`, {
      file: this.path,
      offset,
    });
  }

  /** A varint at `pos`: [value, bytes used]. */
  async varint(pos: number): Promise<[number, number]> {
    const { bytesRead } = await this.fh.read(this.buf, 0, Math.min(10, this.size - pos), pos);
    let v = 0;
    let mul = 1;
    for (let i = 0; i < bytesRead; i++) {
      const b = this.buf[i]!;
      v += (b & 0x7f) * mul;
      if (v > Number.MAX_SAFE_INTEGER) this.fail(pos, 'varint exceeds 2^53');
      if ((b & 0x80) === 0) return [v, i + 1];
      mul *= 128;
    }
    return this.fail(pos, 'truncated varint');
  }

  async bytes(offset: number, length: number): Promise<Uint8Array> {
    const out = Buffer.alloc(length);
    const { bytesRead } = await this.fh.read(out, 0, length, offset);
    if (bytesRead !== length) this.fail(offset, `wanted ${length} bytes, the file has ${bytesRead} there`);
    return new Uint8Array(out.buffer, out.byteOffset, length);
  }

  /** Walk the fields of the message occupying [start, end); `onField` gets the payload span. */
  async walk(
    start: number,
    end: number,
    onField: (field: number, wire: number, span: Span, varint: number | undefined) => Promise<void>,
  ): Promise<void> {
    let pos = start;
    while (pos < end) {
      const [key, k] = await this.varint(pos);
      pos += k;
      const field = Math.floor(key / 8);
      const wire = key % 8;
      if (wire === 0) {
        const [v, n] = await this.varint(pos);
        await onField(field, wire, { offset: pos, length: n }, v);
        pos += n;
      } else if (wire === 2) {
        const [len, n] = await this.varint(pos);
        pos += n;
        if (pos + len > end)
          this.fail(pos, `field ${field} of ${len} bytes runs past its message (ends at ${end})`);
        await onField(field, wire, { offset: pos, length: len }, undefined);
        pos += len;
      } else if (wire === 5 || wire === 1) {
        const len = wire === 5 ? 4 : 8;
        await onField(field, wire, { offset: pos, length: len }, undefined);
        pos += len;
      } else {
        this.fail(pos, `unsupported protobuf wire type ${wire} (field ${field})`);
      }
    }
    if (pos !== end) this.fail(pos, 'message framing overruns its length');
  }
}

async function tensorHeader(c: Cursor, span: Span): Promise<IndexedInitializer> {
  const header: OnnxInitializer = { name: '', dims: [], dataType: 0, external: false };
  const spans: Span[] = [];
  let kind: NonNullable<IndexedInitializer['payload']>['kind'] | undefined;
  await c.walk(span.offset, span.offset + span.length, async (field, wire, s, v) => {
    if (field === 1 && wire === 0) header.dims.push(v!);
    else if (field === 1 && wire === 2) {
      // packed dims: small, read and decode
      header.dims.push(...packedVarints(await c.bytes(s.offset, s.length), `${c.path}: TensorProto.dims`));
    } else if (field === 2 && wire === 0) header.dataType = v!;
    else if (field === 8 && wire === 2)
      header.name = new TextDecoder().decode(await c.bytes(s.offset, s.length));
    else if (field === 14 && wire === 0) header.external = v === 1;
    else if (PAYLOAD_FIELDS[field] !== undefined) {
      kind = PAYLOAD_FIELDS[field];
      spans.push(s);
    }
  });
  return { header, ...(kind ? { payload: { kind, spans } } : {}) };
}

export async function openOnnxIndex(path: string): Promise<OnnxIndex> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new QbenchError('onnx.open', `${path}: ${(e as Error).message}`);
  }
  try {
    const c = new Cursor(fh, path, (await fh.stat()).size);
    const model = emptyOnnxModel();
    const inits = new Map<string, IndexedInitializer>();
    await c.walk(0, c.size, async (field, wire, span, v) => {
      if (field === 1 && wire === 0) model.irVersion = v!;
      if (field !== 7 || wire !== 2) return;
      await c.walk(span.offset, span.offset + span.length, async (gf, gw, gs) => {
        if (gw !== 2) return;
        if (gf === 1) model.nodes.push(parseNode(await c.bytes(gs.offset, gs.length)));
        else if (gf === 5) {
          const t = await tensorHeader(c, gs);
          model.initializers.push(t.header);
          inits.set(t.header.name, t);
        }
      });
    });
    if (model.irVersion === 0) c.fail(0, 'ModelProto has no ir_version: not an ONNX model');
    let closed = false;
    return {
      model,
      async readFloat32(name) {
        if (closed) throw new QbenchError('onnx.closed', `${path}: read ${name} after close()`);
        const t = inits.get(name);
        if (!t) throw new QbenchError('onnx.tensor', `${path}: no initializer named '${name}'`);
        const full: OnnxInitializer = { ...t.header };
        if (t.payload) {
          const parts = await Promise.all(t.payload.spans.map((s) => c.bytes(s.offset, s.length)));
          const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
          if (t.payload.kind === 'raw') full.raw = joined;
          else if (t.payload.kind === 'floatData') full.floatData = joined;
          else if (t.payload.kind === 'doubleData') full.doubleData = joined;
          else {
            // int32_data (fp16/bf16 bit patterns): packed varints; decode them.
            const vals = packedVarints(joined, `${path}: ${name} int32_data`);
            full.int32Data = vals;
          }
        }
        return tensorToFloat32(full);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
