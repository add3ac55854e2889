// iq2_xxs element (generic decode and matvec): y = ±fl(db·grid[j]), db = fl(fl(d·(0.5 + ls))·0.25)
// for 32-element block ib = e / 32: aux0 = u32 at QS + 8ib (byte l = iq2xxs_grid index of group l = (e % 32) / 8),
// aux1 = u32 at QS + 8ib + 4 (7-bit ksigns index of group l at bits 7l, ls at bits 28..31).
// Grid entries are two u32 words (byte j of entry i is byte j % 4 of word 2i + j / 4).

// the tables as private variables, copied once per invocation (not once per element) for run-time indexing
var<private> iq2_xxs_grid_p = IQ2_XXS_IQ2XXS_GRID;
var<private> iq2_xxs_ksigns_p = IQ2_XXS_KSIGNS_IQ2XS;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ2_XXS_D_OFFSET));
  let ib = e / 32u;
  let l = (e % 32u) / 8u;
  let j = e % 8u;
  let o = base + IQ2_XXS_QS_OFFSET + 8u * ib;
  let aux1 = read_u32(o + 4u);
  let db = (d * (0.5 + f32(aux1 >> 28u))) * 0.25;
  let g = read_u8(o + l);
  let q = (iq2_xxs_grid_p[2u * g + j / 4u] >> (8u * (j % 4u))) & 0xffu;
  let signs = iq2_xxs_ksigns_p[(aux1 >> (7u * l)) & 127u];
  let v = db * f32(q);
  return select(v, -v, ((signs >> j) & 1u) == 1u);
}
