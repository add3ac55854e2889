// e3m2 element (generic decode and matvec): a packed stream of
// E3M2_ELEMENT_BITS-bit codes (LSB first), y = element_table[code] (the table's f32 bit pattern, so NaN,
// inf and −0 decode exactly).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> e3m2_element_table_p = E3M2_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  return bitcast<f32>(e3m2_element_table_p[read_code(base + E3M2_CODES_OFFSET, e, E3M2_ELEMENT_BITS)]);
}
