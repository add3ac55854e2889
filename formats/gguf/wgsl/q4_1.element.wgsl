// q4_1 element (generic decode and matvec):
// y = fl(code·d) + m; element e < 16 is the low nibble of qs[e], e ≥ 16 the high nibble of qs[e − 16].

fn element_scaled(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q4_1_D_OFFSET));
  let code = (read_u8(base + Q4_1_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu;
  return mul_rounded(f32(code), d, rounding_guard());
}

fn block_min(base: u32) -> f32 {
  return f16_to_f32(read_u16(base + Q4_1_M_OFFSET));
}

fn decode_element(base: u32, e: u32) -> f32 {
  return element_scaled(base, e) + block_min(base);
}
