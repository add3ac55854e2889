// Activations quantized to q8_k by the reference quantizer on the host: y_j = f32 d · int8 q_j.
fn y_element(j: u32) -> f32 {
  let base = (j / Q8_K_BLOCK_ELEMENTS) * Q8_K_BLOCK_BYTES;
  let d = bitcast<f32>(y_u32(base + Q8_K_D_OFFSET));
  return d * f32(sext8(y_u8(base + Q8_K_QS_OFFSET + j % Q8_K_BLOCK_ELEMENTS)));
}
