// iq2_s element (generic decode and matvec): y = ±fl(db·grid[j]), db = fl(fl(d·(0.5 + ls))·0.25)
// for group l = (e % 32) / 8 of block ib = e / 32: 10-bit iq2s_grid index = qs[4ib + l] | bits 2l..2l+1 of
// qh[ib] << 8, sign bit j of signs[4ib + l], ls = nibble (e % 32) / 16 of scales[ib].
// Grid entries are two u32 words (byte j of entry i: word 2i + j / 4).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq2_s_grid_p = IQ2_S_IQ2S_GRID;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ2_S_D_OFFSET));
  let ib = e / 32u;
  let l = (e % 32u) / 8u;
  let j = e % 8u;
  let ls = (read_u8(base + IQ2_S_SCALES_OFFSET + ib) >> (4u * ((e % 32u) / 16u))) & 0xfu;
  let db = (d * (0.5 + f32(ls))) * 0.25;
  let index = read_u8(base + IQ2_S_QS_OFFSET + 4u * ib + l) | ((read_u8(base + IQ2_S_QH_OFFSET + ib) << (8u - 2u * l)) & 0x300u);
  let q = (iq2_s_grid_p[2u * index + j / 4u] >> (8u * (j % 4u))) & 0xffu;
  let signs = read_u8(base + IQ2_S_SIGNS_OFFSET + 4u * ib + l);
  let v = db * f32(q);
  return select(v, -v, ((signs >> j) & 1u) == 1u);
}
