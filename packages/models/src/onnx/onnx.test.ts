import { fp32ToFp16Bits, QbenchError } from '@qbench/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  DataType,
  encodeModel,
  encodeTensor,
  float32Tensor,
  GraphBuilder,
  singleNodeModel,
} from './model.ts';
import { ProtoWriter, packedVarints, readFields } from './protobuf.ts';
import { parseOnnxModel, replaceInitializers, tensorToFloat32 } from './read.ts';

/** y = x·W + b with W [2,3]: small enough to check by hand. */
function affineModel(w: Float32Array, b: Float32Array): Uint8Array {
  const g = new GraphBuilder();
  const W = g.constant(float32Tensor('W', [2, 3], w));
  const B = g.constant(float32Tensor('B', [3], b));
  g.op('Add', [g.op('MatMul', ['x', W]), B], [], 'y');
  return encodeModel({
    opset: 17,
    graph: g.graph(
      'affine',
      [{ name: 'x', dataType: DataType.FLOAT, dims: ['n', 2] }],
      [{ name: 'y', dataType: DataType.FLOAT, dims: ['n', 3] }],
    ),
  });
}

async function runAffine(model: Uint8Array, x: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from(x), [x.length / 2, 2]) });
    return Array.from(out['y']!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe('protobuf wire format', () => {
  it('writes the worked example 08 96 01 and a negative int64 as 10 bytes', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    const neg = new ProtoWriter().int(3, -1).finish();
    expect(neg.length).toBe(11);
    const [f] = [...readFields(neg, 'test')];
    expect(f!.field).toBe(3);
    expect(BigInt.asIntN(64, f!.varint!)).toBe(-1n);
  });

  it('varint 150 → 08 96 01; negative int64 → ten bytes; float → fixed32; packed varints', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, ...Array(9).fill(0xff), 0x01]);
    expect(Array.from(new ProtoWriter().float(2, 1).finish())).toEqual([0x15, 0, 0, 0x80, 0x3f]);
    expect(Array.from(new ProtoWriter().packedInts(1, [3, 300]).finish())).toEqual([0x0a, 3, 3, 0xac, 0x02]);
  });

  it('reads packed varints back: 1- to 8-byte values, int64 negatives exactly, a cut run as an error', () => {
    const values = [
      0,
      1,
      127,
      128,
      300,
      65535,
      2 ** 49 - 1,
      2 ** 49,
      2 ** 53 - 1,
      -1,
      -(2 ** 40),
      -(2 ** 53 - 1),
    ];
    const run = new ProtoWriter().packedInts(1, values).finish();
    const payload = [...readFields(run, 'test')][0]!.bytes!;
    expect(packedVarints(payload, 'test')).toEqual(values);
    expect(() => packedVarints(payload.subarray(0, payload.length - 1), 'Tensor int32_data')).toThrow(
      /Tensor int32_data at byte \d+: truncated varint in a packed run/,
    );
  });

  it('names the message and offset of a truncated field', () => {
    const bytes = new ProtoWriter().string(2, 'hello').finish().subarray(0, 4);
    expect(() => [...readFields(bytes, 'NodeProto')]).toThrow(
      /NodeProto at byte 2: length 5 runs past the end/,
    );
  });
});

describe('ONNX writer and reader', () => {
  const w = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const b = Float32Array.from([0.5, -0.5, 0]);

  it('onnxruntime loads and runs what the writer writes', async () => {
    // [1, 1]·W + b = [1+4, 2+5, 3+6] + b
    expect(await runAffine(affineModel(w, b), [1, 1])).toEqual([5.5, 6.5, 9]);
  });

  it('reads back nodes, inputs, outputs and initializers', () => {
    const m = parseOnnxModel(affineModel(w, b));
    expect(m.irVersion).toBe(8);
    expect(m.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(m.nodes.map((n) => n.opType)).toEqual(['MatMul', 'Add']);
    expect(m.nodes[0]!.inputs).toEqual(['x', 'W']);
    expect(m.inputs).toEqual(['x']);
    expect(m.outputs).toEqual(['y']);
    const W = m.initializers.find((t) => t.name === 'W')!;
    expect(W.dims).toEqual([2, 3]);
    expect(W.dataType).toBe(DataType.FLOAT);
    expect(tensorToFloat32(W)).toEqual(w);
  });

  it('replaces one initializer and keeps every other byte', async () => {
    const model = affineModel(w, b);
    const w2 = float32Tensor('W', [2, 3], Float32Array.from([0, 0, 0, 1, 1, 1]));
    const patched = replaceInitializers(model, new Map([['W', w2]]));
    expect(await runAffine(patched, [1, 2])).toEqual([2.5, 1.5, 2]);
    // Replacing W by itself gives the same bytes: nothing else was re-encoded.
    const same = replaceInitializers(model, new Map([['W', float32Tensor('W', [2, 3], w)]]));
    expect(same).toEqual(model);
    expect(() => replaceInitializers(model, new Map([['nope', w2]]))).toThrow(QbenchError);
  });

  it('reads float_data, FLOAT16 raw_data and FLOAT16 int32_data initializers', () => {
    const halves = [1, -2.5, 0.0999755859375]; // exactly representable in binary16
    const f16raw = new Uint8Array(6);
    for (const [i, h] of halves.entries())
      new DataView(f16raw.buffer).setUint16(i * 2, fp32ToFp16Bits(h), true);
    const packedFloats = new Uint8Array(new Float32Array([1.5, -3]).buffer);
    const tensors = [
      new ProtoWriter()
        .packedInts(1, [2])
        .int(2, DataType.FLOAT)
        .bytes(4, packedFloats)
        .string(8, 'fd')
        .finish(),
      new ProtoWriter().packedInts(1, [3]).int(2, DataType.FLOAT16).string(8, 'h').bytes(9, f16raw).finish(),
      new ProtoWriter()
        .packedInts(1, [3])
        .int(2, DataType.FLOAT16)
        .packedInts(5, halves.map(fp32ToFp16Bits))
        .string(8, 'hi')
        .finish(),
    ];
    const graph = new ProtoWriter().string(2, 'g');
    for (const t of tensors) graph.bytes(5, t);
    const model = new ProtoWriter().int(1, 8).bytes(7, graph.finish()).finish();
    const [fd, h, hi] = parseOnnxModel(model).initializers;
    expect(Array.from(tensorToFloat32(fd!))).toEqual([1.5, -3]);
    expect(Array.from(tensorToFloat32(h!))).toEqual(halves);
    expect(Array.from(tensorToFloat32(hi!))).toEqual(halves);
  });

  it('writes and reads back attributes of every kind; a single-node model runs', async () => {
    const model = singleNodeModel({
      opset: 17,
      node: {
        opType: 'LeakyRelu',
        inputs: ['x'],
        outputs: ['y'],
        attributes: [{ name: 'alpha', float: 0.25 }],
      },
      inputs: [{ name: 'x', dataType: DataType.FLOAT, dims: [3] }],
      outputs: [{ name: 'y', dataType: DataType.FLOAT, dims: [3] }],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-4, 0, 2]), [3]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([-1, 0, 2]);
    await session.release();
    const g = new GraphBuilder();
    g.op(
      'Transpose',
      ['x'],
      [
        { name: 'perm', ints: [1, 0] },
        { name: 'i', int: -3 },
        { name: 's', string: 'hé' },
      ],
      'y',
    );
    const [node] = parseOnnxModel(encodeModel({ opset: 17, graph: g.graph('a', [], []) })).nodes;
    expect(node!.attributes).toEqual({ perm: { ints: [1, 0] }, i: { i: -3 }, s: { s: 'hé' } });
    expect(parseOnnxModel(model).nodes[0]!.attributes['alpha']).toEqual({ f: 0.25 });
  });

  it('TensorProto: dims, data_type, name, raw_data in field order', () => {
    const t = encodeTensor({
      name: 'q',
      dataType: DataType.FLOAT8E4M3FN,
      dims: [2],
      raw: Uint8Array.from([1, 2]),
    });
    expect(Array.from(t)).toEqual([0x0a, 1, 2, 0x10, 17, 0x42, 1, 0x71, 0x4a, 2, 1, 2]);
  });

  it('ModelProto starts with ir_version (from the opset) and names its producer', () => {
    const empty = { name: 'g', nodes: [], inputs: [], outputs: [] };
    const m = encodeModel({ opset: 21, graph: empty });
    expect(Array.from(m.subarray(0, 10))).toEqual([0x08, 10, 0x12, 6, ...new TextEncoder().encode('qbench')]);
    const ir = (opset: number) => parseOnnxModel(encodeModel({ opset, graph: empty })).irVersion;
    expect([17, 18, 19, 20, 21, 22, 23, 24].map(ir)).toEqual([8, 8, 9, 9, 10, 10, 11, 11]);
  });

  it('refuses bytes that are not a model', () => {
    expect(() => parseOnnxModel(new TextEncoder().encode('{"not": "onnx"}'))).toThrow(QbenchError);
  });
});

describe('onnxruntime evaluates what the writer writes', () => {
  it('Gemm with float/int attributes, a float initializer and a symbolic dim', async () => {
    // Y = 2 · A · Bᵀ with B an initializer [3, 2] (transB = 1).
    const b = Float32Array.of(1, 2, 3, 4, 5, 6);
    const model = singleNodeModel({
      opset: 17,
      node: {
        opType: 'Gemm',
        inputs: ['A', 'B'],
        outputs: ['Y'],
        attributes: [
          { name: 'alpha', float: 2 },
          { name: 'transB', int: 1 },
        ],
      },
      inputs: [{ name: 'A', dataType: DataType.FLOAT, dims: ['M', 2] }],
      outputs: [{ name: 'Y', dataType: DataType.FLOAT, dims: ['M', 3] }],
      initializers: [float32Tensor('B', [3, 2], b)],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ A: new ort.Tensor('float32', Float32Array.of(1, 1, 1, -1), [2, 2]) });
    await session.release();
    expect(Array.from(out['Y']!.data as Float32Array)).toEqual([6, 14, 22, -2, -2, -2]);
  });

  it('integer-list attributes, uint8 tensors and two opset domains (Transpose perm on uint8)', async () => {
    const model = singleNodeModel({
      opset: 17,
      extraOpsets: [{ domain: 'com.microsoft', version: 1 }],
      node: {
        opType: 'Transpose',
        inputs: ['X'],
        outputs: ['Y'],
        attributes: [{ name: 'perm', ints: [1, 0] }],
      },
      inputs: [{ name: 'X', dataType: DataType.UINT8, dims: [2, 3] }],
      outputs: [{ name: 'Y', dataType: DataType.UINT8, dims: [3, 2] }],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ X: new ort.Tensor('uint8', Uint8Array.of(1, 2, 3, 4, 5, 6), [2, 3]) });
    await session.release();
    expect(Array.from(out['Y']!.data as Uint8Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('rejects a non-integer where an INT attribute is meant', () => {
    expect(() =>
      singleNodeModel({
        opset: 17,
        node: { opType: 'Identity', inputs: ['X'], outputs: ['Y'], attributes: [{ name: 'bad', int: 1.5 }] },
        inputs: [{ name: 'X', dataType: DataType.FLOAT, dims: [1] }],
        outputs: [{ name: 'Y', dataType: DataType.FLOAT, dims: [1] }],
      }),
    ).toThrow(/attribute bad: 1.5 is not an integer/);
  });
});
