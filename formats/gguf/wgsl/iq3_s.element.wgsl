// iq3_s element (generic decode and matvec): y = ±fl(db·grid[j % 4]), db = fl(d·(1 + 2·ls))
// for 4-element group k = (e % 32) / 4 of block ib = e / 32: 9-bit iq3s_grid index = qs[8ib + k] | bit k of
// qh[ib] << 8 (one u32 of 4 bytes per entry), sign bit e % 8 of signs[e / 8], ls = nibble ib % 2 of scales[ib / 2].

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq3_s_grid_p = IQ3_S_IQ3S_GRID;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ3_S_D_OFFSET));
  let ib = e / 32u;
  let k = (e % 32u) / 4u;
  let ls = (read_u8(base + IQ3_S_SCALES_OFFSET + ib / 2u) >> (4u * (ib % 2u))) & 0xfu;
  let db = d * f32(1u + 2u * ls);
  let index = read_u8(base + IQ3_S_QS_OFFSET + 8u * ib + k) | (((read_u8(base + IQ3_S_QH_OFFSET + ib) >> k) & 1u) << 8u);
  let q = (iq3_s_grid_p[index] >> (8u * (e % 4u))) & 0xffu;
  let signs = read_u8(base + IQ3_S_SIGNS_OFFSET + e / 8u);
  let v = db * f32(q);
  return select(v, -v, ((signs >> (e % 8u)) & 1u) == 1u);
}
