// iq3_xxs element (generic decode and matvec): y = ±fl(db·grid[j % 4]), db = fl(fl(d·(0.5 + ls))·0.5)
// for 32-element block ib = e / 32: iq3xxs_grid index qs[8ib + (e % 32) / 4] (one u32 of 4 bytes per
// entry), aux = u32 at SCALES_AND_SIGNS + 4ib: ksigns index of group l = (e % 32) / 8 at bits 7l, ls at 28..31.

// the tables as private variables, copied once per invocation (not once per element) for run-time indexing
var<private> iq3_xxs_grid_p = IQ3_XXS_IQ3XXS_GRID;
var<private> iq3_xxs_ksigns_p = IQ2_XXS_KSIGNS_IQ2XS;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ3_XXS_D_OFFSET));
  let ib = e / 32u;
  let r = e % 32u;
  let aux = read_u32(base + IQ3_XXS_SCALES_AND_SIGNS_OFFSET + 4u * ib);
  let db = (d * (0.5 + f32(aux >> 28u))) * 0.5;
  let g = read_u8(base + IQ3_XXS_QS_OFFSET + 8u * ib + r / 4u);
  let q = (iq3_xxs_grid_p[g] >> (8u * (r % 4u))) & 0xffu;
  let signs = iq3_xxs_ksigns_p[(aux >> (7u * (r / 8u))) & 127u];
  let v = db * f32(q);
  return select(v, -v, ((signs >> (r % 8u)) & 1u) == 1u);
}
