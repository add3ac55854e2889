// q8_1 element (generic decode): y = d·q, fp16 d, int8 codes (s is not part of the decode).

fn decode_element(base: u32, e: u32) -> f32 {
  return f16_to_f32(read_u16(base + Q8_1_D_OFFSET)) * f32(sext8(read_u8(base + Q8_1_QS_OFFSET + e)));
}
