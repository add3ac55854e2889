// mxfp4_e2m1 element (OCP MX; generic matvec, and generic decode where no mxfp4_e2m1.decode.wgsl exists):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXFP4_E2M1_SCALE_OFFSET));
  var table = MXFP4_E2M1_ELEMENT_TABLE;
  return x * bitcast<f32>(table[read_code(base + MXFP4_E2M1_ELEMENTS_OFFSET, e, MXFP4_E2M1_ELEMENT_BITS)]);
}
