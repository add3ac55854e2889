// mxfp4 (ggml) element (generic matvec; decode entry point mxfp4.decode.wgsl): y = kvalues[nibble]·2^(e − 128),
// the half scale built from bits (e < 2 is an f32 subnormal).

fn mxfp4_e8m0_half(e: u32) -> f32 {
  return bitcast<f32>(select((e - 1u) << 23u, 0x00200000u << e, e < 2u));
}

fn decode_element(base: u32, e: u32) -> f32 {
  let d = mxfp4_e8m0_half(read_u8(base + MXFP4_E_OFFSET));
  var values = MXFP4_KVALUES_MXFP4;
  return f32(values[(read_u8(base + MXFP4_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu]) * d;
}
