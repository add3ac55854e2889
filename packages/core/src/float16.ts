/**
 * IEEE binary16 conversions with ggml's exact semantics (ggml-impl.h, `ggml_compute_fp32_to_fp16`,
 * the FP16 library's branch-free algorithm): round to nearest even, overflow to ±inf, fp32 subnormals
 * flush through the same arithmetic, and every NaN becomes the canonical quiet NaN 0x7E00 | sign
 * (the payload is dropped). Checked exhaustively against ggml's golden vectors.
 */
import { bitsToF32, f32ToBits } from './float-bits.ts';

const fround = Math.fround;
const SCALE_TO_INF = 2 ** 112;
const SCALE_TO_ZERO = 2 ** -110;

/** float32 (any JS number, rounded to float32 first) -> fp16 bit pattern. */
export function fp32ToFp16Bits(x: number): number {
  const w = f32ToBits(x);
  const shl1 = (w << 1) >>> 0;
  const sign = (w >>> 16) & 0x8000;
  if (shl1 > 0xff000000) return sign | 0x7e00; // NaN: canonical quiet NaN
  // The algorithm adds a magic bias so that the float32 adder does the rounding to 10 mantissa bits.
  let base = fround(fround(Math.abs(bitsToF32(w)) * SCALE_TO_INF) * SCALE_TO_ZERO);
  let bias = (shl1 & 0xff000000) >>> 0;
  if (bias < 0x71000000) bias = 0x71000000;
  base = fround(bitsToF32(((bias >>> 1) + 0x07800000) >>> 0) + base);
  const bits = f32ToBits(base);
  const expBits = (bits >>> 13) & 0x7c00;
  const mantissaBits = bits & 0x0fff;
  return sign | ((expBits + mantissaBits) & 0xffff);
}

let fp16Table: Float32Array | undefined;

/** All 65536 fp16 values as float32, built once (decoders index it directly). */
export function fp16Table32(): Float32Array {
  if (fp16Table) return fp16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = fp16BitsToFp32Slow(h);
  fp16Table = t;
  return t;
}

/** Exact fp16 -> float32 by construction (every fp16 value is representable in float32). */
function fp16BitsToFp32Slow(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) {
    // Preserve NaN payload bits in float32: sign | 0x7f800000 | mant << 13.
    return mant === 0 ? sign * Infinity : bitsToF32(((h & 0x8000) << 16) | 0x7f800000 | (mant << 13));
  }
  if (exp === 0) return sign * mant * 2 ** -24;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

export function fp16BitsToFp32(h: number): number {
  return fp16Table32()[h & 0xffff]!;
}

/** Round a number through fp16 and back (what storing a scale as ggml_fp16_t does). */
export function roundToFp16(x: number): number {
  return fp16BitsToFp32(fp32ToFp16Bits(x));
}
