// q3_k element (generic decode and matvec): y = d·(scale − 32)·(low − 4·!hbit).

fn q3_scale(s: u32, j: u32) -> i32 {
  let lo = select(read_u8(s + j - 8u) >> 4u, read_u8(s + j) & 0xfu, j < 8u);
  return i32(lo | (((read_u8(s + 8u + (j % 4u)) >> (2u * (j / 4u))) & 3u) << 4u));
}

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q3_K_D_OFFSET));
  let dl = d * f32(q3_scale(base + Q3_K_SCALES_OFFSET, e / 16u) - 32);
  let r = e % 128u;
  let low = i32((read_u8(base + Q3_K_QS_OFFSET + 32u * (e / 128u) + (r % 32u)) >> (2u * (r / 32u))) & 3u);
  let hbit = (read_u8(base + Q3_K_HMASK_OFFSET + (r % 32u)) >> (e / 32u)) & 1u;
  return dl * f32(select(low - 4, low, hbit == 1u));
}
