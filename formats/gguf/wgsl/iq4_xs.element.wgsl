// iq4_xs element (generic decode and matvec): y = d·(ls − 32)·kvalues[nibble]
// for 32-element sub-block ib = e / 32 (6-bit ls from scales_l and scales_h).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq4_nl_kvalues_iq4nl_p = IQ4_NL_KVALUES_IQ4NL;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ4_XS_D_OFFSET));
  let ib = e / 32u;
  let h = read_u16(base + IQ4_XS_SCALES_H_OFFSET);
  let ls = ((read_u8(base + IQ4_XS_SCALES_L_OFFSET + ib / 2u) >> (4u * (ib % 2u))) & 0xfu) | (((h >> (2u * ib)) & 3u) << 4u);
  let dl = d * f32(i32(ls) - 32);
  let r = e % 32u;
  return dl * f32(iq4_nl_kvalues_iq4nl_p[(read_u8(base + IQ4_XS_QS_OFFSET + 16u * ib + (r % 16u)) >> select(0u, 4u, r >= 16u)) & 0xfu]);
}
