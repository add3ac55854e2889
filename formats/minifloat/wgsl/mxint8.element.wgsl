// mxint8 element (OCP MX; generic matvec, and generic decode where no mxint8.decode.wgsl exists):
// y = 2^(s − 127)·element_table[code], one f32 multiply (scale byte 0xFF: NaN block); codes packed LSB first.

fn decode_element(base: u32, e: u32) -> f32 {
  let x = e8m0_scale(read_u8(base + MXINT8_SCALE_OFFSET));
  var table = MXINT8_ELEMENT_TABLE;
  return x * bitcast<f32>(table[read_code(base + MXINT8_ELEMENTS_OFFSET, e, MXINT8_ELEMENT_BITS)]);
}
