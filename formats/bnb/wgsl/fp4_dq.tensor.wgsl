// fp4_dq tensor include (generic decode and matvec): bnb FP4 codes whose block absmax is double-quantized with
// the nf4_dq dynamic map (spec params.dynamicMapTable); the block and its absmax come from the family's
// dq_block (common.wgsl), then x = ±lutMagnitude[code & 7]·absmax (sign bit 3). Element 2i is the HIGH nibble
// of code byte i, 2i + 1 the LOW nibble.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> fp4_dq_lut_magnitude_p = FP4_LUT_MAGNITUDE;

fn element_at(j: u32) -> f32 {
  let blk = dq_block(
    j,
    tensor_elements(),
    FP4_DQ_BLOCK_ELEMENTS,
    FP4_DQ_BLOCK_BYTES,
    FP4_DQ_ABSMAX2_PER,
    FP4_DQ_OFFSET_HEADER_OFFSET,
    FP4_DQ_ABSMAX_CODE_OFFSET,
    rounding_guard(),
  );
  let e = j % FP4_DQ_BLOCK_ELEMENTS;
  let code = (read_u8(blk.base + FP4_DQ_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  let m = fp4_dq_lut_magnitude_p[code & 7u];
  return select(m, -m, (code & 8u) != 0u) * blk.absmax;
}
