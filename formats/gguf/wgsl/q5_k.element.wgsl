// q5_k element (generic decode and matvec): y = fl(d·sc·code) − dmin·m for
// 32-element sub-block e / 32; code = nibble of qs[32·(e / 64) + e % 32] | qh bit 2·(e / 64) + (e % 64 ≥ 32).

fn scale_min_k4(s: u32, j: u32) -> vec2<u32> {
  if (j < 4u) {
    return vec2<u32>(read_u8(s + j) & 63u, read_u8(s + j + 4u) & 63u);
  }
  let sc = (read_u8(s + j + 4u) & 0xfu) | ((read_u8(s + j - 4u) >> 6u) << 4u);
  let m = (read_u8(s + j + 4u) >> 4u) | ((read_u8(s + j) >> 6u) << 4u);
  return vec2<u32>(sc, m);
}

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q5_K_D_OFFSET));
  let dmin = f16_to_f32(read_u16(base + Q5_K_DMIN_OFFSET));
  let sm = scale_min_k4(base + Q5_K_SCALES_OFFSET, e / 32u);
  let dl = d * f32(sm.x);
  let ml = dmin * f32(sm.y);
  let r = e % 64u;
  let hi = r >= 32u;
  let low = (read_u8(base + Q5_K_QS_OFFSET + 32u * (e / 64u) + (r % 32u)) >> select(0u, 4u, hi)) & 0xfu;
  let bit = 2u * (e / 64u) + select(0u, 1u, hi);
  let code = low | (((read_u8(base + Q5_K_QH_OFFSET + (r % 32u)) >> bit) & 1u) << 4u);
  return mul_rounded(dl, f32(code), rounding_guard()) - ml;
}
