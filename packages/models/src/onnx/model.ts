/**
 * ONNX writer: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto/TypeProto and
 * OperatorSetIdProto, with ONNX's field numbers (onnx/onnx onnx/onnx.proto). Everything else in those messages
 * is left unset. Plus a small GraphBuilder that names intermediate values, so a model reads like code.
 *
 *   ModelProto         ir_version 1, producer_name 2, graph 7, opset_import 8
 *   OperatorSetIdProto domain 1, version 2
 *   GraphProto         node 1, name 2, initializer 5, input 11, output 12
 *   NodeProto          input 1, output 2, name 3, op_type 4, attribute 5, domain 7
 *   AttributeProto     name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20
 *   TensorProto        dims 1, data_type 2, name 8, raw_data 9
 *   ValueInfoProto     name 1, type 2 → TypeProto.tensor_type 1 → {elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2}
 *
 * No subgraphs, no external data: a model this writes must fit in one buffer (protobuf's 2 GiB limit).
 */
import { QbenchError } from '@qbench/core';
import { ProtoWriter } from './protobuf.ts';

/** TensorProto.DataType values (onnx.proto). */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values. */
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

export interface TensorInit {
  name: string;
  dataType: DataTypeCode;
  dims: readonly number[];
  /** Little-endian element bytes (ONNX raw_data); sub-byte types packed low nibble first. */
  raw: Uint8Array;
}

export type Attribute =
  | { name: string; int: number }
  | { name: string; float: number }
  | { name: string; string: string }
  | { name: string; ints: readonly number[] }
  | { name: string; floats: readonly number[] }
  | { name: string; tensor: TensorInit };

export interface NodeInit {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: readonly Attribute[];
}

export interface ValueInit {
  name: string;
  dataType: DataTypeCode;
  /** A number is a fixed dim; a string a symbolic one. */
  dims: readonly (number | string)[];
}

export interface GraphInit {
  name: string;
  nodes: readonly NodeInit[];
  inputs: readonly ValueInit[];
  outputs: readonly ValueInit[];
  initializers?: readonly TensorInit[];
}

export interface ModelInit {
  graph: GraphInit;
  /** Opset of the default ('' = ai.onnx) domain; extra domains (e.g. com.microsoft) in `extraOpsets`. */
  opset: number;
  extraOpsets?: readonly { domain: string; version: number }[];
  /** ONNX IR version; 8 covers opset 17–18, 9 opset 19–20, 10 opset 21–22, 11 opset 23+ (onnx/onnx helper.py VERSION_TABLE). */
  irVersion?: number;
  producer?: string;
}

/** Float32 values as TensorProto raw_data (little-endian on every platform). */
export function float32Tensor(name: string, dims: readonly number[], values: Float32Array): TensorInit {
  checkCount(name, dims, values.length);
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dataType: DataType.FLOAT, dims, raw };
}

export function int64Tensor(name: string, dims: readonly number[], values: readonly number[]): TensorInit {
  checkCount(name, dims, values.length);
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (const [i, v] of values.entries()) view.setBigInt64(i * 8, BigInt(v), true);
  return { name, dataType: DataType.INT64, dims, raw };
}

function checkCount(name: string, dims: readonly number[], n: number): void {
  const want = dims.reduce((a, b) => a * b, 1);
  if (want !== n)
    throw new QbenchError('onnx.tensor', `tensor ${name}: dims [${dims}] hold ${want} elements, got ${n}`);
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9. */
export function encodeTensor(t: TensorInit): Uint8Array {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  return w.int(2, t.dataType).string(8, t.name).bytes(9, t.raw).finish();
}

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, floats = 7, ints = 8, type = 20. */
function encodeAttribute(a: Attribute): Uint8Array {
  const w = new ProtoWriter().string(1, a.name);
  if ('int' in a && !Number.isSafeInteger(a.int))
    throw new QbenchError('onnx.attribute', `attribute ${a.name}: ${a.int} is not an integer; use { float }`);
  if ('int' in a) w.int(3, a.int).int(20, AttrType.INT);
  else if ('float' in a) w.float(2, a.float).int(20, AttrType.FLOAT);
  else if ('string' in a) w.string(4, a.string).int(20, AttrType.STRING);
  else if ('ints' in a) w.packedInts(8, a.ints).int(20, AttrType.INTS);
  else if ('floats' in a) {
    for (const f of a.floats) w.float(7, f);
    w.int(20, AttrType.FLOATS);
  } else w.bytes(5, encodeTensor(a.tensor)).int(20, AttrType.TENSOR);
  return w.finish();
}

function encodeNode(n: NodeInit): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.bytes(5, encodeAttribute(a));
  if (n.domain) w.string(7, n.domain);
  return w.finish();
}

function encodeValueInfo(v: ValueInit): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.bytes(1, dim.finish());
  }
  const tensorType = new ProtoWriter().int(1, v.dataType).bytes(2, shape.finish()).finish();
  const type = new ProtoWriter().bytes(1, tensorType).finish();
  return new ProtoWriter().string(1, v.name).bytes(2, type).finish();
}

function encodeGraph(g: GraphInit): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.bytes(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.bytes(5, encodeTensor(t));
  for (const v of g.inputs) w.bytes(11, encodeValueInfo(v));
  for (const v of g.outputs) w.bytes(12, encodeValueInfo(v));
  return w.finish();
}

export function encodeModel(m: ModelInit): Uint8Array {
  const ir = m.irVersion ?? (m.opset >= 23 ? 11 : m.opset >= 21 ? 10 : m.opset >= 19 ? 9 : 8);
  const w = new ProtoWriter().int(1, ir).string(2, m.producer ?? 'qbench');
  w.bytes(7, encodeGraph(m.graph));
  for (const o of [{ domain: '', version: m.opset }, ...(m.extraOpsets ?? [])]) {
    const os = new ProtoWriter();
    if (o.domain) os.string(1, o.domain);
    w.bytes(8, os.int(2, o.version).finish());
  }
  return w.finish();
}

/** A model of one node whose inputs are graph inputs (or initializers): how operator tests use ONNX Runtime as an oracle. */
export function singleNodeModel(init: {
  node: NodeInit;
  inputs: readonly ValueInit[];
  outputs: readonly ValueInit[];
  initializers?: readonly TensorInit[];
  opset: number;
  extraOpsets?: readonly { domain: string; version: number }[];
}): Uint8Array {
  return encodeModel({
    opset: init.opset,
    ...(init.extraOpsets ? { extraOpsets: init.extraOpsets } : {}),
    graph: {
      name: `qbench_${init.node.opType}`,
      nodes: [init.node],
      inputs: init.inputs,
      outputs: init.outputs,
      ...(init.initializers ? { initializers: init.initializers } : {}),
    },
  });
}

/**
 * Builds a graph node by node: `op()` returns the name of the node's (single) output, so a model reads as
 * nested calls. Names are `<prefix>/<op>_<n>`, unique within the builder.
 */
export class GraphBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: TensorInit[] = [];
  private counter = 0;
  private readonly names = new Set<string>();

  /** Adds an initializer and returns its name. */
  constant(t: TensorInit): string {
    if (this.names.has(t.name)) throw new QbenchError('onnx.graph', `duplicate value name '${t.name}'`);
    this.names.add(t.name);
    this.initializers.push(t);
    return t.name;
  }

  op(
    opType: string,
    inputs: readonly string[],
    attributes: readonly Attribute[] = [],
    output?: string,
  ): string {
    const name = `${opType}_${this.counter++}`;
    const out = output ?? `${name}_out`;
    if (this.names.has(out)) throw new QbenchError('onnx.graph', `duplicate value name '${out}'`);
    this.names.add(out);
    this.nodes.push({ opType, inputs, outputs: [out], name, attributes });
    return out;
  }

  graph(name: string, inputs: readonly ValueInit[], outputs: readonly ValueInit[]): GraphInit {
    return { name, nodes: this.nodes, inputs, outputs, initializers: this.initializers };
  }
}
