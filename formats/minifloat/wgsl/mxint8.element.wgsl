// mxint8 element (OCP MX; generic decode and matvec):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> mxint8_element_table_p = MXINT8_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXINT8_SCALE_OFFSET));
  return x * bitcast<f32>(mxint8_element_table_p[read_code(base + MXINT8_ELEMENTS_OFFSET, e, MXINT8_ELEMENT_BITS)]);
}
