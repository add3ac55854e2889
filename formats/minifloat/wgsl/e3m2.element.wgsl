// e3m2 element (generic matvec, and generic decode where no e3m2.decode.wgsl exists): a packed stream of
// E3M2_ELEMENT_BITS-bit codes (LSB first), y = element_table[code] (the table's f32 bit pattern, so NaN,
// inf and −0 decode exactly).

fn decode_element(base: u32, e: u32) -> f32 {
  var table = E3M2_ELEMENT_TABLE;
  return bitcast<f32>(table[read_code(base + E3M2_CODES_OFFSET, e, E3M2_ELEMENT_BITS)]);
}
