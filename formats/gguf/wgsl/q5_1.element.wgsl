// q5_1 element (generic decode and matvec):
// y = fl(code·d) + m with code = nibble | (bit e of qh) << 4.

fn element_scaled(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q5_1_D_OFFSET));
  let qh = read_u32(base + Q5_1_QH_OFFSET);
  let code = ((read_u8(base + Q5_1_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu) | (((qh >> e) & 1u) << 4u);
  return mul_rounded(f32(code), d, rounding_guard());
}

fn block_min(base: u32) -> f32 {
  return f16_to_f32(read_u16(base + Q5_1_M_OFFSET));
}

fn decode_element(base: u32, e: u32) -> f32 {
  return element_scaled(base, e) + block_min(base);
}
