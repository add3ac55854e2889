// mwq_r4 tensor include (generic decode and matvec): the family's MWQ decode (common.wgsl), its params.
fn element_at(j: u32) -> f32 {
  return mwq_element(j, tensor_elements(), MWQ_R4_PARAM_BITS, MWQ_R4_PARAM_MASTER_BITS, MWQ_R4_PARAM_GROUP_SIZE);
}
