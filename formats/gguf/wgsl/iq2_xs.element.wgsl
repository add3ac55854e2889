// iq2_xs element (generic decode and matvec): y = ±fl(db·grid[j]), db = fl(fl(d·(0.5 + ls))·0.25)
// for group g = e / 8: u16 qs[g] = iq2xs_grid index (bits 0..8) | ksigns index (bits 9..15); ls = nibble
// (e % 32) / 16 of scales[e / 32]. Grid entries are two u32 words (byte j of entry i: word 2i + j / 4).

// the tables as private variables, copied once per invocation (not once per element) for run-time indexing
var<private> iq2_xs_grid_p = IQ2_XS_IQ2XS_GRID;
var<private> iq2_xs_ksigns_p = IQ2_XXS_KSIGNS_IQ2XS;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ2_XS_D_OFFSET));
  let j = e % 8u;
  let ls = (read_u8(base + IQ2_XS_SCALES_OFFSET + e / 32u) >> (4u * ((e % 32u) / 16u))) & 0xfu;
  let db = (d * (0.5 + f32(ls))) * 0.25;
  let v16 = read_u16(base + IQ2_XS_QS_OFFSET + 2u * (e / 8u));
  let q = (iq2_xs_grid_p[2u * (v16 & 511u) + j / 4u] >> (8u * (j % 4u))) & 0xffu;
  let signs = iq2_xs_ksigns_p[v16 >> 9u];
  let v = db * f32(q);
  return select(v, -v, ((signs >> j) & 1u) == 1u);
}
