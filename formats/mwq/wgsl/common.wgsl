// MWQ decode shared by the family's tensor includes (wgsl/generated/<id>.tensor.wgsl pass their params):
// ŵ_i = α_g·(S_i·2^(masterBits − r) − z_g), the exact integer times the group's float32 scale, rounded once
// (bit-exact with the reference). The stream, as the codec stores it: the n/groupSize float32 LE scales α,
// then the uint8 zero points z, then r bit planes of ⌈n/8⌉ bytes, most significant first (plane p holds
// bit r−1−p of every code of the tensor, weight i at bit i mod 8 of byte ⌊i/8⌋). Every offset depends on the
// tensor's element count `total` (a tensor include passes its entry point's tensor_elements(): a decode's n, a
// matvec's rows·n), hence tensor includes; taking it as an argument keeps this file free of entry-point
// functions, since it is prepended to every mwq shader, external kernels included. The slice mode (round /
// truncate) only matters to the encoder.
fn mwq_element(j: u32, total: u32, bits: u32, master_bits: u32, group_size: u32) -> f32 {
  let groups = total / group_size;
  let g = j / group_size;
  // side info: 4 bytes (f32 scale) then 1 byte (u8 zero) per group, in two arrays
  let scale = bitcast<f32>(read_u32(4u * g));
  let zero = read_u8(4u * groups + g);
  let planes = 5u * groups;
  let plane_bytes = (total + 7u) / 8u;
  var code = 0u;
  for (var p = 0u; p < bits; p++) {
    code = (code << 1u) | ((read_u8(planes + p * plane_bytes + (j >> 3u)) >> (j & 7u)) & 1u);
  }
  return scale * f32(i32(code << (master_bits - bits)) - i32(zero));
}

// Double Rounding (dround_8, dround_8_<l>): the same planes after the scales, with no zero-point bytes; the
// codes are offset binary, so the zero is 2^(master_bits − 1): ŵ_i = s_g·(u_i·2^(master_bits − l) − 2^(master_bits − 1)).
fn dround_element(j: u32, total: u32, bits: u32, master_bits: u32, group_size: u32) -> f32 {
  let g = j / group_size;
  let scale = bitcast<f32>(read_u32(4u * g));
  let planes = 4u * (total / group_size);
  let plane_bytes = (total + 7u) / 8u;
  var code = 0u;
  for (var p = 0u; p < bits; p++) {
    code = (code << 1u) | ((read_u8(planes + p * plane_bytes + (j >> 3u)) >> (j & 7u)) & 1u);
  }
  return scale * f32(i32(code << (master_bits - bits)) - i32(1u << (master_bits - 1u)));
}
