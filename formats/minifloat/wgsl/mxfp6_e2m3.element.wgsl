// mxfp6_e2m3 element (OCP MX; generic decode and matvec):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> mxfp6_e2m3_element_table_p = MXFP6_E2M3_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXFP6_E2M3_SCALE_OFFSET));
  return x * bitcast<f32>(mxfp6_e2m3_element_table_p[read_code(base + MXFP6_E2M3_ELEMENTS_OFFSET, e, MXFP6_E2M3_ELEMENT_BITS)]);
}
