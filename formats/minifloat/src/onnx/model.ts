/**
 * Builders for the few ONNX messages a one-operator test model needs (onnx/onnx onnx/onnx.proto, IR 10+):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto/TypeProto, and
 * OperatorSetIdProto. Field numbers are ONNX's; everything else in those messages is left unset.
 * Reusable: nothing here knows about minifloats.
 */
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
  FLOAT16: 10,
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
const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4 } as const;

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
  /** ONNX IR version; 10 covers opset 21, 11 opset 23+ (onnx/onnx helper.py VERSION_TABLE). */
  irVersion?: number;
}

/** TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9. */
export function encodeTensor(t: TensorInit): Uint8Array {
  const w = new ProtoWriter();
  if (t.dims.length > 0) w.packedInts(1, t.dims);
  w.int(2, t.dataType).string(8, t.name).bytes(9, t.raw);
  return w.finish();
}

/** AttributeProto: name = 1, f = 2, i = 3, s = 4, t = 5, type = 20. */
function encodeAttribute(a: Attribute): Uint8Array {
  const w = new ProtoWriter().string(1, a.name);
  if ('int' in a) w.int(3, a.int).int(20, AttrType.INT);
  else if ('float' in a) w.float(2, a.float).int(20, AttrType.FLOAT);
  else if ('string' in a) w.string(4, a.string).int(20, AttrType.STRING);
  else w.message(5, encodeTensor(a.tensor)).int(20, AttrType.TENSOR);
  return w.finish();
}

/** NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5, domain = 7. */
function encodeNode(n: NodeInit): Uint8Array {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, encodeAttribute(a));
  if (n.domain) w.string(7, n.domain);
  return w.finish();
}

/**
 * ValueInfoProto {name = 1, type = 2} → TypeProto {tensor_type = 1} → TypeProto.Tensor {elem_type = 1,
 * shape = 2} → TensorShapeProto {dim = 1} → Dimension {dim_value = 1 | dim_param = 2}.
 */
function encodeValueInfo(v: ValueInit): Uint8Array {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'number') dim.int(1, d);
    else dim.string(2, d);
    shape.message(1, dim.finish());
  }
  const tensorType = new ProtoWriter().int(1, v.dataType).message(2, shape.finish()).finish();
  const type = new ProtoWriter().message(1, tensorType).finish();
  return new ProtoWriter().string(1, v.name).message(2, type).finish();
}

/** GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12. */
function encodeGraph(g: GraphInit): Uint8Array {
  const w = new ProtoWriter();
  for (const n of g.nodes) w.message(1, encodeNode(n));
  w.string(2, g.name);
  for (const t of g.initializers ?? []) w.message(5, encodeTensor(t));
  for (const v of g.inputs) w.message(11, encodeValueInfo(v));
  for (const v of g.outputs) w.message(12, encodeValueInfo(v));
  return w.finish();
}

/** ModelProto: ir_version = 1, producer_name = 2, graph = 7, opset_import = 8 (OperatorSetIdProto {domain = 1, version = 2}). */
export function encodeModel(m: ModelInit): Uint8Array {
  const w = new ProtoWriter().int(1, m.irVersion ?? (m.opset >= 23 ? 11 : 10)).string(2, 'qbench');
  w.message(7, encodeGraph(m.graph));
  const opsets = [{ domain: '', version: m.opset }, ...(m.extraOpsets ?? [])];
  for (const o of opsets) {
    const os = new ProtoWriter();
    if (o.domain) os.string(1, o.domain);
    os.int(2, o.version);
    w.message(8, os.finish());
  }
  return w.finish();
}

/** A model with one node whose inputs are graph inputs (or initializers) and outputs graph outputs. */
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
