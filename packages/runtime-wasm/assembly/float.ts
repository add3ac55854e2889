/**
 * Float conversions the kernels share, exact for every input (subnormals, ±inf, NaN), so decodes that go
 * through them stay bit-identical with the TypeScript references (core's fp16BitsToFp32 / fp32ToFp16Bits).
 */

/** IEEE binary16 bits → float32 (exact: every fp16 value is a float32 value). */
@inline export function f16ToF32(h: u32): f32 {
  const sign = (h & 0x8000) << 16;
  const em = h & 0x7fff;
  if (em >= 0x7c00) {
    // inf or NaN: all-ones exponent, payload shifted into the float32 mantissa (quiet bit kept)
    return reinterpret<f32>(sign | 0x7f800000 | ((em & 0x3ff) << 13));
  }
  if (em >= 0x400) {
    // normal: rebias the exponent from 15 to 127
    return reinterpret<f32>(sign | ((em << 13) + 0x38000000));
  }
  // zero or subnormal: m·2^-24, exact in float32 (the product of a small integer and a power of two)
  const mag = <f32>em * reinterpret<f32>(0x33800000);
  return reinterpret<f32>(sign | reinterpret<u32>(mag));
}

/** float32 → IEEE binary16 bits, round to nearest even, overflow to ±inf, NaN stays NaN (quiet). */
export function f32ToF16(x: f32): u32 {
  const b = reinterpret<u32>(x);
  const sign = (b >>> 16) & 0x8000;
  const a = b & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7e00 | ((a >>> 13) & 0x3ff);
  if (a >= 0x477ff000) return sign | 0x7c00; // ≥ 65520 rounds to inf (and inf itself)
  if (a >= 0x38800000) {
    // normal fp16: drop 13 mantissa bits with round-to-nearest-even
    const r = a - 0x38000000;
    const rounded = r + 0xfff + ((r >>> 13) & 1);
    return sign | (rounded >>> 13);
  }
  if (a < 0x33000000) return sign; // below half the smallest subnormal (and the tie at exactly half → 0)
  // subnormal fp16: shift the full significand, round to nearest even
  const e = a >>> 23;
  const m = (a & 0x7fffff) | 0x800000;
  const shift = 126 - e; // value = m·2^(e−150) = q·2^-24, so q = m >> (126 − e): 14..24 bits dropped
  const q = m >>> shift;
  const rem = m & ((<u32>1 << shift) - 1);
  const half = <u32>1 << (shift - 1);
  const up: u32 = rem > half || (rem == half && (q & 1) != 0) ? 1 : 0;
  return sign | (q + up);
}

/** C's roundf (half away from zero) on four lanes: trunc, then step away when the dropped part is ≥ 0.5. */
@inline export function roundfX4(v: v128): v128 {
  const t = f32x4.trunc(v);
  const frac = f32x4.abs(f32x4.sub(v, t)); // exact: v and t share the exponent range
  const away = f32x4.ge(frac, f32x4.splat(0.5));
  const step = v128.or(v128.and(v, i32x4.splat(0x80000000)), f32x4.splat(1.0)); // ±1 with v's sign
  return f32x4.add(t, v128.and(away, step));
}
