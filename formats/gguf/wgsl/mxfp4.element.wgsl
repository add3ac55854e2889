// mxfp4 (ggml) element (generic decode and matvec): y = kvalues[nibble]·2^(e − 128),
// the half scale built from bits (e < 2 is an f32 subnormal).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> mxfp4_kvalues_mxfp4_p = MXFP4_KVALUES_MXFP4;

fn mxfp4_e8m0_half(e: u32) -> f32 {
  return bitcast<f32>(select((e - 1u) << 23u, 0x00200000u << e, e < 2u));
}

fn decode_element(base: u32, e: u32) -> f32 {
  let d = mxfp4_e8m0_half(read_u8(base + MXFP4_E_OFFSET));
  return f32(mxfp4_kvalues_mxfp4_p[(read_u8(base + MXFP4_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu]) * d;
}
