// iq1_s element (generic decode and matvec): y = fl(dl·(grid[j] + delta)), dl = fl(d·(2·ls + 1)),
// delta = ±0.125 (IQ1S_DELTA, the spec's encoding) by bit 15 of qh, grid[j] ∈ {−1, 0, 1}.
// Per block ib = e / 32: u16 qh[ib] holds index bits 8..10 of group l = (e % 32) / 8 at bits 3l, ls at 12..14.
// The grid is read from its generated 2-bit packing (code = value + 1, entry i in half i % 2 of word i / 2).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq1_s_grid2_p = IQ1_S_IQ1S_GRID_TERNARY2;

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + IQ1_S_D_OFFSET));
  let ib = e / 32u;
  let l = (e % 32u) / 8u;
  let j = e % 8u;
  let qh = read_u16(base + IQ1_S_QH_OFFSET + 2u * ib);
  let dl = d * f32(2u * ((qh >> 12u) & 7u) + 1u);
  let delta = select(0.125, -0.125, (qh & 0x8000u) != 0u);
  let index = read_u8(base + IQ1_S_QS_OFFSET + 4u * ib + l) | (((qh >> (3u * l)) & 7u) << 8u);
  let g = i32((iq1_s_grid2_p[index >> 1u] >> (16u * (index & 1u) + 2u * j)) & 3u) - 1;
  return dl * (f32(g) + delta);
}
