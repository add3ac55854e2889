// Element j of the tensor for an element include (the decode entry point's `element_at`): the block that
// holds it starts HEADER_BYTES (per-tensor side info) + (j / BLOCK_ELEMENTS)·BLOCK_BYTES into `src`.
fn element_at(j: u32) -> f32 {
  return decode_element(HEADER_BYTES + (j / BLOCK_ELEMENTS) * BLOCK_BYTES, j % BLOCK_ELEMENTS);
}
