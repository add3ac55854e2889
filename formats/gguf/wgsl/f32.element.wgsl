// f32 element (generic decode and matvec): the stored float32 bits.

fn decode_element(base: u32, e: u32) -> f32 {
  return bitcast<f32>(read_u32(base + F32_V_OFFSET));
}
