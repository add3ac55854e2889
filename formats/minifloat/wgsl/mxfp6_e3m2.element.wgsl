// mxfp6_e3m2 element (OCP MX; generic matvec, and generic decode where no mxfp6_e3m2.decode.wgsl exists):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXFP6_E3M2_SCALE_OFFSET));
  var table = MXFP6_E3M2_ELEMENT_TABLE;
  return x * bitcast<f32>(table[read_code(base + MXFP6_E3M2_ELEMENTS_OFFSET, e, MXFP6_E3M2_ELEMENT_BITS)]);
}
