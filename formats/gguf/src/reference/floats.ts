/**
 * ggml's plain float storage types F32 (id 0), F16 (1) and BF16 (30): one element per "block". What
 * ggml_quantize_chunk does with them: F32 is copied bit for bit; F16 goes through the scalar
 * ggml_fp32_to_fp16 (round to nearest even, every NaN to 0x7E00 | sign); BF16 through
 * ggml_fp32_to_bf16_row_ref (nearest even, no subnormal flush, a NaN keeps its top bits with the quiet
 * bit set). The conversions live in @qbench/core (float16.ts, bfloat16.ts); this file lays out the two 16-bit
 * types (f16.ts, bf16.ts use it), f32.ts the 32-bit one.
 *
 * vec_dot: ggml's vec_dot_type of each is itself, so the activation row is converted to the same type.
 * ggml_vec_dot_{f32,f16,bf16} sum in SIMD lanes; the reference is the scalar form: float32 products
 * summed in double (ggml_float), rounded to float32 once.
 */
import { fround } from './float32.ts';
import type { GgmlTypeImpl } from './types.ts';

/** One element of a 16-bit float type: its bit conversions. */
export interface Half16 {
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

export function half16Type(name: 'f16' | 'bf16', codec: Half16): GgmlTypeImpl {
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
