/** ggml's F32 (type id 0); floats.ts says what ggml does with its plain float types. */
import { fround } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

/**
 * F32: the bytes are the float32 bits. Copied through a Uint8Array view of the input, never through a JS
 * number, so a signalling NaN's payload survives as it does in ggml's memcpy.
 */
export const f32: GgmlTypeImpl = {
  name: 'f32',
  blockElements: 1,
  blockBytes: 4,
  vecDotType: 'f32',
  quantizeRow(x, q) {
    q.set(new Uint8Array(x.buffer, x.byteOffset, x.length * 4));
  },
  dequantizeRow(q, y) {
    new Uint8Array(y.buffer, y.byteOffset, y.length * 4).set(q.subarray(0, y.length * 4));
  },
  vecDot(x, y, n) {
    const a = new DataView(x.buffer, x.byteOffset, n * 4);
    const b = new DataView(y.buffer, y.byteOffset, n * 4);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += fround(a.getFloat32(4 * i, true) * b.getFloat32(4 * i, true));
    return fround(sum);
  },
};
