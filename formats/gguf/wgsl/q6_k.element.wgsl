// q6_k element (generic decode and matvec): y = d·scale_(e/16)·(code − 32),
// code = 4 low bits from ql and 2 high bits from qh (ggml's dequantize_row_q6_K layout).

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + Q6_K_D_OFFSET));
  let sc = d * f32(sext8(read_u8(base + Q6_K_SCALES_OFFSET + e / 16u)));
  let h = e / 128u;
  let r = e % 128u;
  let k = r / 32u;
  let l = r % 32u;
  let low = (read_u8(base + Q6_K_QL_OFFSET + 64u * h + l + 32u * (k & 1u)) >> select(0u, 4u, k >= 2u)) & 0xfu;
  let high = (read_u8(base + Q6_K_QH_OFFSET + 32u * h + l) >> (2u * k)) & 3u;
  return sc * f32(i32(low | (high << 4u)) - 32);
}
