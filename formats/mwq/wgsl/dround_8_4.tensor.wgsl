// dround_8_4 tensor include (generic decode and matvec): the family's Double Rounding decode (common.wgsl), its params.
fn element_at(j: u32) -> f32 {
  return dround_element(j, tensor_elements(), DROUND_8_4_PARAM_BITS, DROUND_8_4_PARAM_MASTER_BITS, DROUND_8_4_PARAM_GROUP_SIZE);
}
