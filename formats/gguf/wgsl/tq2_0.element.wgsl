// tq2_0 element (generic decode and matvec): y = (code − 1)·d, code = bits 2·((e / 32) % 4) of
// qs[32·(e / 128) + e % 32] (code 3 decodes to 2·d, as ggml's (q − 1)·d does).

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + TQ2_0_D_OFFSET));
  let code = (read_u8(base + TQ2_0_QS_OFFSET + 32u * (e / 128u) + (e % 32u)) >> (2u * ((e / 32u) % 4u))) & 3u;
  return f32(i32(code) - 1) * d;
}
