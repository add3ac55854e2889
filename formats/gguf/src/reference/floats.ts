/**
 * ggml's plain float storage types F32 (id 0), F16 (1) and BF16 (30): one element per "block". What
 * ggml_quantize_chunk does with them: F32 is copied bit for bit; F16 goes through the scalar
 * ggml_fp32_to_fp16 (round to nearest even, every NaN to 0x7E00 | sign); BF16 through
 * ggml_fp32_to_bf16_row_ref (nearest even, no subnormal flush, a NaN keeps its top bits with the quiet
 * bit set). The conversions live in @qbench/core (float16.ts, bfloat16.ts); this file only lays them out.
 *
 * vec_dot: ggml's vec_dot_type of each is itself, so the activation row is converted to the same type.
 * ggml_vec_dot_{f32,f16,bf16} sum in SIMD lanes; the reference is the scalar form: float32 products
 * summed in double (ggml_float), rounded to float32 once.
 */
import { bf16BitsToFp32, fp16BitsToFp32, fp32ToBf16Bits, fp32ToFp16Bits } from '@qbench/core';
import { fround } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

/** One element of a 16-bit float type: its bit conversions. */
interface Half16 {
  encode(x: number): number;
  decode(bits: number): number;
}

function vecDot16(codec: Half16) {
  return (x: Uint8Array, y: Uint8Array, n: number): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const a = codec.decode(x[2 * i]! | (x[2 * i + 1]! << 8));
      const b = codec.decode(y[2 * i]! | (y[2 * i + 1]! << 8));
      sum += fround(a * b);
    }
    return fround(sum);
  };
}

function half16Type(name: 'f16' | 'bf16', codec: Half16): GgmlTypeImpl {
  return {
    name,
    blockElements: 1,
    blockBytes: 2,
    vecDotType: name,
    quantizeRow(x, q) {
      for (let i = 0; i < x.length; i++) {
        const h = codec.encode(x[i]!);
        q[2 * i] = h & 0xff;
        q[2 * i + 1] = h >>> 8;
      }
    },
    dequantizeRow(q, y) {
      for (let i = 0; i < y.length; i++) y[i] = codec.decode(q[2 * i]! | (q[2 * i + 1]! << 8));
    },
    vecDot: vecDot16(codec),
  };
}

export const f16 = half16Type('f16', { encode: fp32ToFp16Bits, decode: fp16BitsToFp32 });
export const bf16 = half16Type('bf16', { encode: fp32ToBf16Bits, decode: bf16BitsToFp32 });

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
