// Activations converted to bf16 by the reference on the host (ggml's vec_dot_type of bf16): y_j = bf16 j.
fn y_element(j: u32) -> f32 {
  return bitcast<f32>(y_u16(2u * j) << 16u);
}
