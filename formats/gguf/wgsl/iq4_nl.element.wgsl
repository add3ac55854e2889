// iq4_nl element (generic decode and matvec): y = d·kvalues[nibble].

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq4_nl_kvalues_iq4nl_p = IQ4_NL_KVALUES_IQ4NL;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ4_NL_D_OFFSET));
  return d * f32(iq4_nl_kvalues_iq4nl_p[(read_u8(base + IQ4_NL_QS_OFFSET + (e % 16u)) >> (4u * (e / 16u))) & 0xfu]);
}
