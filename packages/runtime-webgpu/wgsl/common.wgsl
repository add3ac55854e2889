// Helpers shared by every qbench decode/dot shader; the loader prepends them (and the family's generated
// constants) to the kernel source, since WGSL has no includes. They read the encoded bytes from the
// kernel's `src` binding (array<u32>, little-endian), which every kernel declares.

// Byte `i` of the encoded input.
fn read_u8(i: u32) -> u32 {
  return (src[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
}

// Little-endian u16 at byte `i` (any alignment).
fn read_u16(i: u32) -> u32 {
  return read_u8(i) | (read_u8(i + 1u) << 8u);
}

// Little-endian u32 at byte `i` (any alignment): two aligned words merged.
fn read_u32(i: u32) -> u32 {
  let s = (i & 3u) * 8u;
  let w0 = src[i >> 2u];
  if (s == 0u) {
    return w0;
  }
  return (w0 >> s) | (src[(i >> 2u) + 1u] << (32u - s));
}

// Sign-extend the low 8 bits.
fn sext8(v: u32) -> i32 {
  return (bitcast<i32>(v << 24u)) >> 24u;
}

// IEEE binary16 bits → f32 built from bits alone (no float arithmetic, so no flush-to-zero or rounding can
// touch it): normal values rebias the exponent, subnormals are normalised with firstLeadingBit.
fn f16_to_f32(h: u32) -> f32 {
  let sign = (h & 0x8000u) << 16u;
  let em = h & 0x7fffu;
  if (em >= 0x7c00u) {
    return bitcast<f32>(sign | 0x7f800000u | ((em & 0x3ffu) << 13u));
  }
  if (em >= 0x400u) {
    return bitcast<f32>(sign | ((em << 13u) + 0x38000000u));
  }
  if (em == 0u) {
    return bitcast<f32>(sign);
  }
  let p = firstLeadingBit(em);
  return bitcast<f32>(sign | ((p + 103u) << 23u) | ((em << (23u - p)) & 0x7fffffu));
}

// OCP MX E8M0 scale byte → 2^(s − 127) from bits (s = 0 is the f32 subnormal 2^−127); 0xFF is NaN.
fn e8m0_scale(s: u32) -> f32 {
  if (s == 255u) {
    // built from s so that it is not a constant expression (a NaN constant does not compile)
    return bitcast<f32>(0x7fc00000u | (s & 0u));
  }
  if (s == 0u) {
    return bitcast<f32>(0x00400000u);
  }
  return bitcast<f32>(s << 23u);
}

// a·b rounded to f32 on its own, for decodes whose reference rounds a product before adding to it
// (q4_1, q5_1, q4_k, q5_k: (code·d) + m). GPU compilers may contract a*b + c into one fused multiply-add,
// which skips that rounding; WGSL has no way to forbid it, but a select on a value only known at run time
// (the host always passes 0 as `guard`) leaves no multiply feeding the add directly.
fn mul_rounded(a: f32, b: f32, guard: u32) -> f32 {
  return select(a * b, 0.0, guard == 0xffffffffu);
}

// Code j (`bits` wide, ≤ 8) of a stream packed least-significant bit first starting at byte `off`: 4-bit
// code 2i is the low nibble of byte i, 6-bit code j sits in stream bits [6j, 6j + 6).
fn read_code(off: u32, j: u32, bits: u32) -> u32 {
  let bit = j * bits;
  return (read_u16(off + (bit >> 3u)) >> (bit & 7u)) & ((1u << bits) - 1u);
}
