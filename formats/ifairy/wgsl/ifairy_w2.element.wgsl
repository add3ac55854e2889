// ifairy_w2 element (generic decode and matvec): two stages of phase codes (common.wgsl), each with its
// per-tensor scales before the first block; the value is fl(fl(+0 + stage 1) + stage 2), the reference's
// stage-by-stage float32 sum.
fn decode_element(base: u32, e: u32) -> f32 {
  let s_re1 = bitcast<f32>(read_u32(IFAIRY_W2_S_RE_HEADER_OFFSET));
  let s_im1 = bitcast<f32>(read_u32(IFAIRY_W2_S_IM_HEADER_OFFSET));
  let s_re2 = bitcast<f32>(read_u32(IFAIRY_W2_S_RE2_HEADER_OFFSET));
  let s_im2 = bitcast<f32>(read_u32(IFAIRY_W2_S_IM2_HEADER_OFFSET));
  let k1 = ifairy_code(read_u8(base + IFAIRY_W2_CODES1_OFFSET), e);
  let k2 = ifairy_code(read_u8(base + IFAIRY_W2_CODES2_OFFSET), e);
  return ifairy_plus_zero(ifairy_part(k1, e, s_re1, s_im1)) + ifairy_part(k2, e, s_re2, s_im2);
}
