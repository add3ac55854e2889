// ifairy element (generic decode and matvec): one stage of phase codes (common.wgsl), the per-tensor
// scales s_re, s_im before the first block; the reference's stage sum is fl(+0 + part).
fn decode_element(base: u32, e: u32) -> f32 {
  let s_re = bitcast<f32>(read_u32(IFAIRY_S_RE_HEADER_OFFSET));
  let s_im = bitcast<f32>(read_u32(IFAIRY_S_IM_HEADER_OFFSET));
  let k = ifairy_code(read_u8(base + IFAIRY_CODES_OFFSET), e);
  return ifairy_plus_zero(ifairy_part(k, e, s_re, s_im));
}
