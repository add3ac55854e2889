// llmfp4 element (generic decode and matvec): y = T_j[code]·s, one f32 multiply as in the reference; s is
// the float32 tensor scale at byte 0 and j the searched split's index at byte 4 (the per-tensor header,
// HEADER_BYTES before the first block), T_j table j of the generated split tables. Codes packed LSB first
// (element 2i in the low nibble of byte i). The matvec takes the whole matrix as one tensor (the header,
// then the rows), so every row reads the same s and j.

// the tables as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> llmfp4_split_tables_p = LLMFP4_SPLIT_TABLES;

fn decode_element(base: u32, e: u32) -> f32 {
  let s = bitcast<f32>(read_u32(LLMFP4_SCALE_HEADER_OFFSET));
  let j = read_u8(LLMFP4_SPLIT_HEADER_OFFSET);
  let code = read_code(base + LLMFP4_CODES_OFFSET, e, LLMFP4_ELEMENT_BITS);
  return bitcast<f32>(llmfp4_split_tables_p[(j << LLMFP4_ELEMENT_BITS) + code]) * s;
}
