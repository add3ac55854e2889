// msfp16 element (block floating point; generic decode and matvec): y = element_table[code]·2^(E − 127 − mbits + 1),
// one exact f32 multiply (mbits = ELEMENT_BITS − 1; the scale, as small as 2^−133, is built from bits as an
// f32 subnormal); exponent byte 0xFF marks a NaN block. Codes packed LSB first.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> msfp16_element_table_p = MSFP16_ELEMENT_TABLE;

fn msfp16_block_scale(e: u32) -> f32 {
  if (e == 255u) {
    // built from e so that it is not a constant expression (a NaN constant does not compile)
    return bitcast<f32>(0x7fc00000u | (e & 0u));
  }
  let expo = i32(e) - 126 - i32(MSFP16_ELEMENT_BITS - 1u);
  return bitcast<f32>(select(1u << u32(expo + 149), u32(expo + 127) << 23u, expo >= -126));
}

fn decode_element(base: u32, e: u32) -> f32 {
  let scale = msfp16_block_scale(read_u8(base + MSFP16_EXPONENT_OFFSET));
  return bitcast<f32>(msfp16_element_table_p[read_code(base + MSFP16_ELEMENTS_OFFSET, e, MSFP16_ELEMENT_BITS)]) * scale;
}
