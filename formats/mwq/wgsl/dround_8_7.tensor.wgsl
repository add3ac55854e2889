// dround_8_7 tensor include (generic decode and matvec): the family's Double Rounding decode (common.wgsl), its params.
fn element_at(j: u32) -> f32 {
  return dround_element(j, tensor_elements(), DROUND_8_7_PARAM_BITS, DROUND_8_7_PARAM_MASTER_BITS, DROUND_8_7_PARAM_GROUP_SIZE);
}
