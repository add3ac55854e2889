// q2_0 element (generic decode and matvec): 2-bit code c (LSB first, four per byte) gives (c − 1)·d.

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q2_0_D_OFFSET));
  let c = (read_u8(base + Q2_0_QS_OFFSET + e / 4u) >> (2u * (e % 4u))) & 3u;
  return f32(i32(c) - 1) * d;
}
