/**
 * The hand-written ONNX writer produces models onnxruntime accepts and evaluates as intended: integer,
 * float and integer-list attributes, initializers, symbolic and fixed dimensions, two opset domains.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel, OnnxType } from './onnx-proto.ts';

describe('encodeModel', () => {
  it('Gemm with float/int attributes and a float initializer runs in onnxruntime', async () => {
    // Y = 2 · A · Bᵀ with B an initializer [3, 2] (transB = 1).
    const b = Float32Array.of(1, 2, 3, 4, 5, 6);
    const model = encodeModel({
      opsets: { '': 17 },
      nodes: [
        {
          opType: 'Gemm',
          inputs: ['A', 'B'],
          outputs: ['Y'],
          attributes: { alpha: { float: 2 }, transB: 1 },
        },
      ],
      inputs: [{ name: 'A', type: OnnxType.FLOAT, shape: ['M', 2] }],
      outputs: [{ name: 'Y', type: OnnxType.FLOAT, shape: ['M', 3] }],
      initializers: [{ name: 'B', type: OnnxType.FLOAT, dims: [3, 2], raw: new Uint8Array(b.buffer) }],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ A: new ort.Tensor('float32', Float32Array.of(1, 1, 1, -1), [2, 2]) });
    await session.release();
    expect(Array.from(out['Y']!.data as Float32Array)).toEqual([6, 14, 22, -2, -2, -2]);
  });

  it('integer-list attributes and uint8 tensors (Transpose perm on uint8)', async () => {
    const model = encodeModel({
      opsets: { '': 17, 'com.microsoft': 1 },
      nodes: [{ opType: 'Transpose', inputs: ['X'], outputs: ['Y'], attributes: { perm: [1, 0] } }],
      inputs: [{ name: 'X', type: OnnxType.UINT8, shape: [2, 3] }],
      outputs: [{ name: 'Y', type: OnnxType.UINT8, shape: [3, 2] }],
    });
    const session = await ort.InferenceSession.create(model);
    const out = await session.run({ X: new ort.Tensor('uint8', Uint8Array.of(1, 2, 3, 4, 5, 6), [2, 3]) });
    await session.release();
    expect(Array.from(out['Y']!.data as Uint8Array)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('rejects a non-integer where an INT attribute is meant', () => {
    expect(() =>
      encodeModel({
        opsets: { '': 17 },
        nodes: [{ opType: 'Identity', inputs: ['X'], outputs: ['Y'], attributes: { bad: 1.5 } }],
        inputs: [{ name: 'X', type: OnnxType.FLOAT, shape: [1] }],
        outputs: [{ name: 'Y', type: OnnxType.FLOAT, shape: [1] }],
      }),
    ).toThrow(/attribute bad: 1.5 is not an integer/);
  });
});
