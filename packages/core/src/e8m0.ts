/**
 * E8M0: an 8-bit biased power of two (OCP MX v1.0 §5.4.1). Code e means 2^(e-127); 0xFF is NaN.
 * There is no zero, no sign and no infinity. 2^-127 (code 0) is a float32 subnormal, still exact.
 */
import { f32ToBits } from './float-bits.ts';

export const E8M0_NAN = 0xff;

export function e8m0ToFp32(code: number): number {
  const e = code & 0xff;
  return e === E8M0_NAN ? Number.NaN : Math.fround(2 ** (e - 127));
}

/**
 * The floor of log2(|x|) read from the float32 bits, not from a float log2 (which rounds up just
 * below a power of two). Subnormals are handled by counting leading zeros. Returns -Infinity for 0.
 */
export function floorLog2F32(x: number): number {
  const bits = f32ToBits(x) & 0x7fffffff;
  if (bits === 0) return Number.NEGATIVE_INFINITY;
  const exp = bits >>> 23;
  if (exp === 0xff) return Number.NaN;
  if (exp !== 0) return exp - 127;
  // Subnormal: value = mant * 2^-149; floor(log2) = (31 - clz(mant)) - 149.
  return 31 - Math.clz32(bits) - 149;
}

/** Encode an exact power of two 2^k as E8M0, saturating: k > 127 -> NaN (0xFF), k < -127 -> code 0 (2^-127). */
export function e8m0FromExponent(k: number): number {
  if (Number.isNaN(k) || k > 127) return E8M0_NAN;
  if (k < -127) return 0;
  return k + 127;
}
