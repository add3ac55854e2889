// mxfp8_e5m2 element (OCP MX; generic decode and matvec):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> mxfp8_e5m2_element_table_p = MXFP8_E5M2_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXFP8_E5M2_SCALE_OFFSET));
  return x * bitcast<f32>(mxfp8_e5m2_element_table_p[read_code(base + MXFP8_E5M2_ELEMENTS_OFFSET, e, MXFP8_E5M2_ELEMENT_BITS)]);
}
