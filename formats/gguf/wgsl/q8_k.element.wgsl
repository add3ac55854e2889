// q8_k element (generic decode): y = d·q, f32 d, int8 codes.

fn decode_element(base: u32, e: u32) -> f32 {
  return bitcast<f32>(read_u32(base + Q8_K_D_OFFSET)) * f32(sext8(read_u8(base + Q8_K_QS_OFFSET + e)));
}
