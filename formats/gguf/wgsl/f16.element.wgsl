// f16 element (generic decode and matvec): IEEE binary16 widened exactly (common.wgsl f16_to_f32).

fn decode_element(base: u32, e: u32) -> f32 {
  return f16_to_f32(read_u16(base + F16_V_OFFSET));
}
