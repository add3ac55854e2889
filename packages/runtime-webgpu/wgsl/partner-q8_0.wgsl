// Activations quantized to q8_0 by the reference quantizer on the host: y_j = fp16 d · int8 q_j.
fn y_element(j: u32) -> f32 {
  let base = (j / Q8_0_BLOCK_ELEMENTS) * Q8_0_BLOCK_BYTES;
  let d = f16_to_f32(y_u16(base + Q8_0_D_OFFSET));
  return d * f32(sext8(y_u8(base + Q8_0_QS_OFFSET + j % Q8_0_BLOCK_ELEMENTS)));
}
