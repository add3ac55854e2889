/**
 * The streaming ONNX index agrees with the whole-file parser: same nodes, same initializer headers and the
 * same float32 values for every float initializer, whichever payload field the tensor was written in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataType, encodeModel } from './model.ts';
import { isFloatTensor, parseOnnxModel, tensorToFloat32 } from './read.ts';
import { openOnnxIndex } from './stream.ts';

const dir = mkdtempSync(join(tmpdir(), 'qbench-onnx-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modelBytes(): Uint8Array {
  const w = Float32Array.from({ length: 6 * 4 }, (_, i) => Math.sin(i) * 0.1);
  const h = Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x0001]); // fp16 1, -2, 0.5, smallest subnormal
  return encodeModel({
    opset: 17,
    graph: {
      name: 'g',
      nodes: [
        { opType: 'MatMul', inputs: ['x', 'w'], outputs: ['y'] },
        { opType: 'Gather', inputs: ['emb', 'ids'], outputs: ['e'] },
      ],
      initializers: [
        { name: 'w', dataType: DataType.FLOAT, dims: [6, 4], raw: new Uint8Array(w.buffer) },
        { name: 'emb', dataType: DataType.FLOAT16, dims: [2, 2], raw: new Uint8Array(h.buffer) },
      ],
      inputs: [
        { name: 'x', dataType: DataType.FLOAT, dims: [1, 6] },
        { name: 'ids', dataType: DataType.INT64, dims: [1] },
      ],
      outputs: [
        { name: 'y', dataType: DataType.FLOAT, dims: [1, 4] },
        { name: 'e', dataType: DataType.FLOAT16, dims: [1, 2] },
      ],
    },
  });
}

describe('streaming ONNX index', () => {
  it('matches the whole-file parser on nodes, headers and values', async () => {
    const bytes = modelBytes();
    const path = join(dir, 'm.onnx');
    writeFileSync(path, bytes);
    const whole = parseOnnxModel(bytes);
    const index = await openOnnxIndex(path);
    try {
      expect(index.model.irVersion).toBe(whole.irVersion);
      expect(index.model.nodes).toEqual(whole.nodes);
      expect(index.model.initializers.map((t) => [t.name, t.dims, t.dataType])).toEqual(
        whole.initializers.map((t) => [t.name, t.dims, t.dataType]),
      );
      for (const t of whole.initializers.filter(isFloatTensor)) {
        expect(await index.readFloat32(t.name)).toEqual(tensorToFloat32(t));
      }
      await expect(index.readFloat32('nope')).rejects.toThrow(/no initializer named 'nope'/);
    } finally {
      await index.close();
    }
  });

  it('reports a truncated file with its path and offset instead of reading past the end', async () => {
    const bytes = modelBytes();
    const path = join(dir, 'cut.onnx');
    writeFileSync(path, bytes.subarray(0, bytes.length - 7));
    await expect(openOnnxIndex(path)).rejects.toThrow(/cut\.onnx: offset \d+/);
  });
});
