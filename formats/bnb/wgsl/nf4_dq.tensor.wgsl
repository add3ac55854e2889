// nf4_dq tensor include (generic decode and matvec): NF4 codes whose block absmax is double-quantized. The
// side info comes first, as the codec stores it: the f32 offset (NF4_DQ_OFFSET_HEADER_OFFSET), then one f32
// absmax2 per NF4_DQ_ABSMAX2_PER elements, then the {absmaxCode u8, 32 code bytes} blocks. Per block, as the
// reference does, absmax' = fl(fl(dynamicMap[absmaxCode]·absmax2[g]) + offset) (mul_rounded: a fused
// multiply-add would skip the first rounding), then x = lut[code]·absmax'. Element 2i is the HIGH nibble of
// code byte i, 2i + 1 the LOW nibble. The layout depends on the element count of the whole tensor
// (tensor_elements(): the absmax2 count), hence a tensor include.

// the tables as private variables, copied once per invocation (not once per element) for run-time indexing
var<private> nf4_dq_lut_p = NF4_LUT;
var<private> nf4_dq_map_p = NF4_DQ_DYNAMIC_MAP;

fn element_at(j: u32) -> f32 {
  let b = j / NF4_DQ_BLOCK_ELEMENTS;
  let e = j % NF4_DQ_BLOCK_ELEMENTS;
  // absmax2 follows the 4-byte f32 offset; the blocks follow the absmax2 array
  let absmax2_at = NF4_DQ_OFFSET_HEADER_OFFSET + 4u;
  let groups = (tensor_elements() + NF4_DQ_ABSMAX2_PER - 1u) / NF4_DQ_ABSMAX2_PER;
  let base = absmax2_at + 4u * groups + b * NF4_DQ_BLOCK_BYTES;
  let offset = bitcast<f32>(read_u32(NF4_DQ_OFFSET_HEADER_OFFSET));
  let absmax2 = bitcast<f32>(read_u32(absmax2_at + 4u * (j / NF4_DQ_ABSMAX2_PER)));
  let absmax = mul_rounded(nf4_dq_map_p[read_u8(base + NF4_DQ_ABSMAX_CODE_OFFSET)], absmax2, rounding_guard()) + offset;
  let code = (read_u8(base + NF4_DQ_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  return nf4_dq_lut_p[code] * absmax;
}
