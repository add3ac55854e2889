// q5_0 element (generic decode and matvec): y = (code − 16)·d,
// code = nibble of qs[e % 16] (low for e < 16) | (bit e of qh) << 4.

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q5_0_D_OFFSET));
  let qh = read_u32(base + Q5_0_QH_OFFSET);
  let code = ((read_u8(base + Q5_0_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu) | (((qh >> e) & 1u) << 4u);
  return f32(i32(code) - 16) * d;
}
