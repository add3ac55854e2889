// iq4_nl element (generic matvec; decode entry point iq4_nl.decode.wgsl): y = d·kvalues[nibble].

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ4_NL_D_OFFSET));
  var values = IQ4_NL_KVALUES_IQ4NL;
  return d * f32(values[(read_u8(base + IQ4_NL_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu]);
}
