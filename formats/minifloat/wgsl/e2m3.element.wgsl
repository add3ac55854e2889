// e2m3 element (generic matvec, and generic decode where no e2m3.decode.wgsl exists): a packed stream of
// E2M3_ELEMENT_BITS-bit codes (LSB first), y = element_table[code] (the table's f32 bit pattern, so NaN,
// inf and −0 decode exactly).

fn decode_element(base: u32, e: u32) -> f32 {
  var table = E2M3_ELEMENT_TABLE;
  return bitcast<f32>(table[read_code(base + E2M3_CODES_OFFSET, e, E2M3_ELEMENT_BITS)]);
}
