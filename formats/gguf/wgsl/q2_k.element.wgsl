// q2_k element (generic decode and matvec): y = fl(d·sc_lo·code) − dmin·sc_hi
// for 16-element group e / 16; code = bits 2·((e % 128) / 32) of qs[32·(e / 128) + e % 32].

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q2_K_D_OFFSET));
  let dmin = f16_to_f32(read_u16(base + Q2_K_DMIN_OFFSET));
  let sc = read_u8(base + Q2_K_SCALES_OFFSET + e / 16u);
  let dl = d * f32(sc & 0xfu);
  let ml = dmin * f32(sc >> 4u);
  let r = e % 128u;
  let code = (read_u8(base + Q2_K_QS_OFFSET + 32u * (e / 128u) + (r % 32u)) >> (2u * (r / 32u))) & 3u;
  return mul_rounded(dl, f32(code), rounding_guard()) - ml;
}
