// bf16 element (generic decode and matvec): the high half of a float32.

fn decode_element(base: u32, e: u32) -> f32 {
  return bitcast<f32>(read_u16(base + BF16_V_OFFSET) << 16u);
}
