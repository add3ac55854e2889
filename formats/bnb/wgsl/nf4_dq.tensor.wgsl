// nf4_dq tensor include (generic decode and matvec): NF4 codes whose block absmax is double-quantized; the
// block and its absmax come from the family's dq_block (common.wgsl), then x = lut[code]·absmax. Element 2i
// is the HIGH nibble of code byte i, 2i + 1 the LOW nibble. The layout depends on the element count of the
// whole tensor (tensor_elements(): the absmax2 count), hence a tensor include.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> nf4_dq_lut_p = NF4_LUT;

fn element_at(j: u32) -> f32 {
  let blk = dq_block(
    j,
    tensor_elements(),
    NF4_DQ_BLOCK_ELEMENTS,
    NF4_DQ_BLOCK_BYTES,
    NF4_DQ_ABSMAX2_PER,
    NF4_DQ_OFFSET_HEADER_OFFSET,
    NF4_DQ_ABSMAX_CODE_OFFSET,
    rounding_guard(),
  );
  let e = j % NF4_DQ_BLOCK_ELEMENTS;
  let code = (read_u8(blk.base + NF4_DQ_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  return nf4_dq_lut_p[code] * blk.absmax;
}
