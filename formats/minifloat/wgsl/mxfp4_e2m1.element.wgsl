// mxfp4_e2m1 element (OCP MX; generic decode and matvec):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> mxfp4_e2m1_element_table_p = MXFP4_E2M1_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXFP4_E2M1_SCALE_OFFSET));
  return x * bitcast<f32>(mxfp4_e2m1_element_table_p[read_code(base + MXFP4_E2M1_ELEMENTS_OFFSET, e, MXFP4_E2M1_ELEMENT_BITS)]);
}
