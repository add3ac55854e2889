/**
 * A minimal ONNX model writer: just enough protobuf (wire format) to build a one-node graph in memory
 * and hand it to onnxruntime as bytes, so tests can run ONNX Runtime's operators as oracles without an
 * `onnx` package. Field numbers follow onnx/onnx.proto (IR version 8 is accepted by ORT 1.x):
 *
 *   ModelProto        ir_version 1, producer_name 2, graph 7, opset_import 8
 *   OperatorSetIdProto domain 1, version 2
 *   GraphProto        node 1, name 2, initializer 5, input 11, output 12
 *   NodeProto         input 1, output 2, name 3, op_type 4, attribute 5, domain 7
 *   AttributeProto    name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7)
 *   TensorProto       dims 1, data_type 2, name 8, raw_data 9
 *   ValueInfoProto    name 1, type 2 → TypeProto.tensor_type 1 → {elem_type 1, shape 2 → dim 1 → dim_value 1 | dim_param 2}
 *
 * Only what is written here is supported: no subgraphs, no external data. Integers must be safe JS integers.
 */

/** ONNX TensorProto.DataType values used here. */
export const OnnxType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type OnnxElemType = (typeof OnnxType)[keyof typeof OnnxType];

class ProtoWriter {
  private readonly chunks: number[] = [];

  varint(v: number | bigint): this {
    // int64 fields: negative values are written as 10-byte two's complement, as protobuf does.
    let x = BigInt.asUintN(64, BigInt(v));
    while (x >= 0x80n) {
      this.chunks.push(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.chunks.push(Number(x));
    return this;
  }

  private key(field: number, wire: 0 | 1 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, v: number | bigint): this {
    return this.key(field, 0).varint(v);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.key(field, 5);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2).varint(data.length);
    for (const x of data) this.chunks.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

export type AttributeValue = number | string | readonly number[] | { float: number };

export interface NodeSpec {
  opType: string;
  domain?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  /** Integers become INT, `{float}` FLOAT, strings STRING, integer arrays INTS. */
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export interface ValueSpec {
  name: string;
  type: OnnxElemType;
  /** Numbers are fixed dimensions, strings symbolic ones. */
  shape: readonly (number | string)[];
}

export interface InitializerSpec {
  name: string;
  type: OnnxElemType;
  dims: readonly number[];
  /** Little-endian raw bytes of the tensor (raw_data). */
  raw: Uint8Array;
}

export interface ModelSpec {
  nodes: readonly NodeSpec[];
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  initializers?: readonly InitializerSpec[];
  /** Opset per domain, e.g. { '': 17, 'com.microsoft': 1 }. */
  opsets: Readonly<Record<string, number>>;
  graphName?: string;
  irVersion?: number;
}

function writeAttribute(w: ProtoWriter, name: string, v: AttributeValue): void {
  w.string(1, name);
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v))
      throw new RangeError(`attribute ${name}: ${v} is not an integer; use { float }`);
    w.int(3, v).int(20, 2);
  } else if (typeof v === 'string') {
    w.string(4, v).int(20, 3);
  } else if (Array.isArray(v)) {
    for (const x of v) w.int(8, x);
    w.int(20, 7);
  } else {
    w.float(2, (v as { float: number }).float).int(20, 1);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueSpec): void {
  w.string(1, v.name).message(2, (t) =>
    t.message(1, (tt) =>
      tt.int(1, v.type).message(2, (shape) => {
        for (const d of v.shape)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      }),
    ),
  );
}

/** Serialise a one-graph ONNX ModelProto. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, spec.irVersion ?? 8).string(2, 'qbench');
  w.message(7, (g) => {
    for (const n of spec.nodes) {
      g.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, n.name ?? n.opType).string(4, n.opType);
        for (const [k, v] of Object.entries(n.attributes ?? {}))
          node.message(5, (a) => writeAttribute(a, k, v));
        if (n.domain) node.string(7, n.domain);
      });
    }
    g.string(2, spec.graphName ?? 'qbench_graph');
    for (const t of spec.initializers ?? []) {
      g.message(5, (tp) => {
        for (const d of t.dims) tp.int(1, d);
        tp.int(2, t.type).string(8, t.name).bytes(9, t.raw);
      });
    }
    for (const v of spec.inputs) g.message(11, (vi) => writeValueInfo(vi, v));
    for (const v of spec.outputs) g.message(12, (vi) => writeValueInfo(vi, v));
  });
  for (const [domain, version] of Object.entries(spec.opsets)) {
    w.message(8, (o) => {
      if (domain) o.string(1, domain);
      o.int(2, version);
    });
  }
  return w.finish();
}
