// iq1_m element (generic decode and matvec): y = fl(dl·(grid[j] + delta)), dl = fl(d·(2·ls + 1)),
// delta = ±0.125 (IQ1M_DELTA, the spec's encoding) by bit 3 of group l's qh nibble, grid[j] ∈ {−1, 0, 1}.
// d is the fp16 gathered from the top nibbles of the four u16 sc[k] at SCALES; ls of half (e % 32) / 16 of
// block ib = e / 32 is bits 6(ib % 2) + 3h of sc[ib / 2]. The grid (iq1_s's) is read from its generated
// 2-bit packing (code = value + 1, entry i in half i % 2 of word i / 2).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> iq1_m_grid2_p = IQ1_S_IQ1S_GRID_TERNARY2;

fn decode_element(base: u32, e: u32) -> f32 {
  let s = base + IQ1_M_SCALES_OFFSET;
  let sc0 = read_u16(s);
  let sc1 = read_u16(s + 2u);
  let sc2 = read_u16(s + 4u);
  let sc3 = read_u16(s + 6u);
  let d = f16_to_f32((sc0 >> 12u) | ((sc1 >> 8u) & 0x00f0u) | ((sc2 >> 4u) & 0x0f00u) | (sc3 & 0xf000u));
  let ib = e / 32u;
  let l = (e % 32u) / 8u;
  let j = e % 8u;
  let ls = (read_u16(s + 2u * (ib / 2u)) >> (6u * (ib % 2u) + 3u * (l / 2u))) & 7u;
  let dl = d * f32(2u * ls + 1u);
  let nib = (read_u8(base + IQ1_M_QH_OFFSET + 2u * ib + l / 2u) >> (4u * (l % 2u))) & 0xfu;
  let delta = select(0.125, -0.125, (nib & 8u) != 0u);
  let index = read_u8(base + IQ1_M_QS_OFFSET + 4u * ib + l) | ((nib & 7u) << 8u);
  let g = i32((iq1_m_grid2_p[index >> 1u] >> (16u * (index & 1u) + 2u * j)) & 3u) - 1;
  return dl * (f32(g) + delta);
}
