// nvfp4_torchao element (generic decode): y = E2M1[code]·fl(t·E4M3[s]), two f32 multiplies in the reference's order;
// t is the float32 per-tensor scale at byte 0 of the tensor (before the first block), s the block's E4M3
// scale byte. Codes packed LSB first (element 2i in the low nibble of byte i).
// The matvec takes the whole matrix as one tensor (the tensor scale, then the rows: HEADER_BYTES in
// element-matvec.wgsl), so every row reads the same t at byte 0.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> e4m3fn_element_table_p = E4M3FN_ELEMENT_TABLE;
var<private> nvfp4_torchao_element_table_p = NVFP4_TORCHAO_ELEMENT_TABLE;

fn decode_element(base: u32, e: u32) -> f32 {
  let t = bitcast<f32>(read_u32(0u));
  let total = t * bitcast<f32>(e4m3fn_element_table_p[read_u8(base + NVFP4_TORCHAO_SCALE_OFFSET)]);
  return bitcast<f32>(nvfp4_torchao_element_table_p[read_code(base + NVFP4_TORCHAO_ELEMENTS_OFFSET, e, NVFP4_TORCHAO_ELEMENT_BITS)]) * total;
}
