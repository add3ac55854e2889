// fp4_dq tensor include (generic decode and matvec): bnb FP4 codes whose block absmax is double-quantized
// with the nf4_dq dynamic map (spec params.dynamicMapTable). Side info first, as the codec stores it: the f32
// offset (FP4_DQ_OFFSET_HEADER_OFFSET), one f32 absmax2 per FP4_DQ_ABSMAX2_PER elements, then the {absmaxCode
// u8, 32 code bytes} blocks. absmax' = fl(fl(dynamicMap[absmaxCode]·absmax2[g]) + offset) (mul_rounded keeps
// the two roundings), x = ±lutMagnitude[code & 7]·absmax' (sign bit 3). Element 2i is the HIGH nibble of code
// byte i, 2i + 1 the LOW nibble.

// the tables as private variables, copied once per invocation (not once per element) for run-time indexing
var<private> fp4_dq_lut_magnitude_p = FP4_LUT_MAGNITUDE;
var<private> fp4_dq_map_p = NF4_DQ_DYNAMIC_MAP;

fn element_at(j: u32) -> f32 {
  let b = j / FP4_DQ_BLOCK_ELEMENTS;
  let e = j % FP4_DQ_BLOCK_ELEMENTS;
  // absmax2 follows the 4-byte f32 offset; the blocks follow the absmax2 array
  let absmax2_at = FP4_DQ_OFFSET_HEADER_OFFSET + 4u;
  let groups = (tensor_elements() + FP4_DQ_ABSMAX2_PER - 1u) / FP4_DQ_ABSMAX2_PER;
  let base = absmax2_at + 4u * groups + b * FP4_DQ_BLOCK_BYTES;
  let offset = bitcast<f32>(read_u32(FP4_DQ_OFFSET_HEADER_OFFSET));
  let absmax2 = bitcast<f32>(read_u32(absmax2_at + 4u * (j / FP4_DQ_ABSMAX2_PER)));
  let absmax = mul_rounded(fp4_dq_map_p[read_u8(base + FP4_DQ_ABSMAX_CODE_OFFSET)], absmax2, rounding_guard()) + offset;
  let code = (read_u8(base + FP4_DQ_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  let m = fp4_dq_lut_magnitude_p[code & 7u];
  return select(m, -m, (code & 8u) != 0u) * absmax;
}
