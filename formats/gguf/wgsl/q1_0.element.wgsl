// q1_0 element (generic decode and matvec): bit e of the 128 sign bits (LSB first) selects +d or −d.

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q1_0_D_OFFSET));
  let bit = (read_u8(base + Q1_0_QS_OFFSET + e / 8u) >> (e % 8u)) & 1u;
  return select(-d, d, bit == 1u);
}
