/**
 * A minimal ONNX reader: the graph's nodes (op type, inputs, outputs, scalar/int-list attributes), its
 * inputs/outputs, and its initializers (name, dims, data type, payload as a view into the file's bytes, no
 * copy), and `replaceInitializers`, which rewrites chosen initializers and copies every other byte verbatim —
 * how the model runner swaps weights for their quantize→dequantize image without understanding the rest.
 *
 * TensorProto fields read: dims 1, data_type 2, float_data 4, int32_data 5, name 8, raw_data 9,
 * double_data 10, data_location 14 (EXTERNAL = 1). Externally stored tensors (models over 2 GiB) are listed
 * with `external: true` and no payload; this reader does not follow them.
 */
import { bf16BitsToFp32, fp16BitsToFp32, QbenchError } from '@qbench/core';
import { DataType, type DataTypeCode, encodeTensor, type TensorInit } from './model.ts';
import {
  int64ToNumber,
  type ProtoField,
  ProtoWriter,
  readFields,
  repeatedVarints,
  utf8,
} from './protobuf.ts';

export interface OnnxAttribute {
  i?: number;
  f?: number;
  s?: string;
  ints?: number[];
}

export interface OnnxNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

export interface OnnxInitializer {
  name: string;
  dims: number[];
  dataType: number;
  /** Stored in an external file (not readable here). */
  external: boolean;
  /** The payload as found: raw_data, or the typed repeated field it was written in. */
  raw?: Uint8Array;
  floatData?: Uint8Array;
  int32Data?: number[];
  doubleData?: Uint8Array;
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  graphName: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: string[];
  outputs: string[];
}

function parseAttribute(buf: Uint8Array): [string, OnnxAttribute] {
  let name = '';
  const a: OnnxAttribute = {};
  for (const f of readFields(buf, 'AttributeProto')) {
    if (f.field === 1) name = utf8(f.bytes!);
    else if (f.field === 2 && f.wire === 5)
      a.f = new DataView(f.bytes!.buffer, f.bytes!.byteOffset, 4).getFloat32(0, true);
    else if (f.field === 3 && f.wire === 0) a.i = int64ToNumber(f.varint!);
    else if (f.field === 4) a.s = utf8(f.bytes!);
    else if (f.field === 8) (a.ints ??= []).push(...repeatedVarints(f, 'AttributeProto.ints'));
  }
  return [name, a];
}

export function parseNode(buf: Uint8Array): OnnxNode {
  const n: OnnxNode = { opType: '', domain: '', name: '', inputs: [], outputs: [], attributes: {} };
  for (const f of readFields(buf, 'NodeProto')) {
    if (f.field === 1) n.inputs.push(utf8(f.bytes!));
    else if (f.field === 2) n.outputs.push(utf8(f.bytes!));
    else if (f.field === 3) n.name = utf8(f.bytes!);
    else if (f.field === 4) n.opType = utf8(f.bytes!);
    else if (f.field === 5) {
      const [k, v] = parseAttribute(f.bytes!);
      n.attributes[k] = v;
    } else if (f.field === 7) n.domain = utf8(f.bytes!);
  }
  return n;
}

export function parseTensor(buf: Uint8Array): OnnxInitializer {
  const t: OnnxInitializer = { name: '', dims: [], dataType: 0, external: false };
  const floats: Uint8Array[] = [];
  for (const f of readFields(buf, 'TensorProto')) {
    if (f.field === 1) t.dims.push(...repeatedVarints(f, 'TensorProto.dims'));
    else if (f.field === 2) t.dataType = Number(f.varint);
    else if (f.field === 4)
      floats.push(f.bytes!); // packed run (wire 2) or one float (wire 5): both LE bytes
    else if (f.field === 5) (t.int32Data ??= []).push(...repeatedVarints(f, 'TensorProto.int32_data'));
    else if (f.field === 8) t.name = utf8(f.bytes!);
    else if (f.field === 9) t.raw = f.bytes!;
    else if (f.field === 10 && f.wire === 2) t.doubleData = f.bytes!;
    else if (f.field === 14) t.external = Number(f.varint) === 1;
  }
  if (floats.length === 1) t.floatData = floats[0]!;
  else if (floats.length > 1) t.floatData = concat(floats);
  return t;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function valueInfoName(buf: Uint8Array): string {
  for (const f of readFields(buf, 'ValueInfoProto')) if (f.field === 1) return utf8(f.bytes!);
  return '';
}

function graphOf(model: Uint8Array): ProtoField {
  for (const f of readFields(model, 'ModelProto')) if (f.field === 7 && f.wire === 2) return f;
  throw new QbenchError('onnx.model', 'ModelProto has no graph (field 7): not an ONNX model');
}

/** A model with nothing read into it yet (what a file without the fields would give). */
export function emptyOnnxModel(): OnnxModel {
  return { irVersion: 0, opsets: [], graphName: '', nodes: [], initializers: [], inputs: [], outputs: [] };
}

/** Parse a whole model. Payloads are views into `bytes`: keep `bytes` alive while using them. */
export function parseOnnxModel(bytes: Uint8Array): OnnxModel {
  const m = emptyOnnxModel();
  for (const f of readFields(bytes, 'ModelProto')) {
    if (f.field === 1) m.irVersion = Number(f.varint);
    else if (f.field === 8) {
      const o = { domain: '', version: 0 };
      for (const g of readFields(f.bytes!, 'OperatorSetIdProto')) {
        if (g.field === 1) o.domain = utf8(g.bytes!);
        else if (g.field === 2) o.version = Number(g.varint);
      }
      m.opsets.push(o);
    }
  }
  const graph = graphOf(bytes);
  for (const f of readFields(graph.bytes!, 'GraphProto', graph.start)) {
    if (f.field === 1) m.nodes.push(parseNode(f.bytes!));
    else if (f.field === 2) m.graphName = utf8(f.bytes!);
    else if (f.field === 5) m.initializers.push(parseTensor(f.bytes!));
    else if (f.field === 11) m.inputs.push(valueInfoName(f.bytes!));
    else if (f.field === 12) m.outputs.push(valueInfoName(f.bytes!));
  }
  if (m.irVersion === 0)
    throw new QbenchError('onnx.model', 'ModelProto has no ir_version: not an ONNX model');
  return m;
}

const FLOAT_TYPES: readonly number[] = [DataType.FLOAT, DataType.FLOAT16, DataType.BFLOAT16, DataType.DOUBLE];

export function isFloatTensor(t: OnnxInitializer): boolean {
  return FLOAT_TYPES.includes(t.dataType);
}

export function elementCount(t: OnnxInitializer): number {
  return t.dims.reduce((a, b) => a * b, 1);
}

/** The tensor's values as float32 (FLOAT, FLOAT16, BFLOAT16, DOUBLE), wherever they were stored. */
export function tensorToFloat32(t: OnnxInitializer): Float32Array {
  const n = elementCount(t);
  const fail = (why: string): never => {
    throw new QbenchError('onnx.tensor', `initializer ${t.name}: ${why}`, { tensor: t.name });
  };
  if (t.external) fail('stored as external data, which this reader does not follow');
  const out = new Float32Array(n);
  const bytesPer = t.dataType === DataType.FLOAT ? 4 : t.dataType === DataType.DOUBLE ? 8 : 2;
  const payload =
    t.raw ??
    (t.dataType === DataType.FLOAT ? t.floatData : t.dataType === DataType.DOUBLE ? t.doubleData : undefined);
  if (payload) {
    if (payload.length !== n * bytesPer)
      fail(`payload is ${payload.length} bytes, dims [${t.dims}] need ${n * bytesPer}`);
    const v = new DataView(payload.buffer, payload.byteOffset, payload.length);
    for (let i = 0; i < n; i++) {
      if (t.dataType === DataType.FLOAT) out[i] = v.getFloat32(i * 4, true);
      else if (t.dataType === DataType.DOUBLE) out[i] = v.getFloat64(i * 8, true);
      else if (t.dataType === DataType.FLOAT16) out[i] = fp16BitsToFp32(v.getUint16(i * 2, true));
      else if (t.dataType === DataType.BFLOAT16) out[i] = bf16BitsToFp32(v.getUint16(i * 2, true));
      else fail(`data type ${t.dataType} is not a float type`);
    }
    return out;
  }
  // FLOAT16/BFLOAT16 may be stored as int32_data holding the 16-bit patterns (onnx.proto).
  if (t.int32Data && (t.dataType === DataType.FLOAT16 || t.dataType === DataType.BFLOAT16)) {
    if (t.int32Data.length !== n)
      fail(`int32_data holds ${t.int32Data.length} values, dims [${t.dims}] need ${n}`);
    const conv = t.dataType === DataType.FLOAT16 ? fp16BitsToFp32 : bf16BitsToFp32;
    for (let i = 0; i < n; i++) out[i] = conv(t.int32Data[i]! & 0xffff);
    return out;
  }
  if (n === 0) return out;
  return fail(`no payload for data type ${t.dataType}`);
}

/**
 * Returns a copy of `bytes` in which every initializer named in `replacements` is re-encoded (name, dims, data
 * type and raw_data as given; other TensorProto fields such as doc_string are dropped), everything else byte
 * for byte as it was. Throws if a name is not an initializer of the graph.
 */
export function replaceInitializers(
  bytes: Uint8Array,
  replacements: ReadonlyMap<string, TensorInit>,
): Uint8Array {
  const graph = graphOf(bytes);
  const gw = new ProtoWriter();
  const done = new Set<string>();
  const g = graph.bytes!;
  for (const f of readFields(g, 'GraphProto', graph.start)) {
    const name = f.field === 5 ? parseTensor(f.bytes!).name : undefined;
    const r = name === undefined ? undefined : replacements.get(name);
    if (r) {
      gw.bytes(5, encodeTensor(r));
      done.add(r.name);
    } else gw.raw(g.subarray(f.start, f.end));
  }
  const missing = [...replacements.keys()].filter((k) => !done.has(k));
  if (missing.length > 0)
    throw new QbenchError('onnx.replace', `not initializers of the graph: ${missing.join(', ')}`);
  const mw = new ProtoWriter();
  for (const f of readFields(bytes, 'ModelProto')) {
    if (f.start === graph.start) mw.bytes(7, gw.finish());
    else mw.raw(bytes.subarray(f.start, f.end));
  }
  return mw.finish();
}

export type { DataTypeCode };
