// Activations converted to f16 by the reference on the host (ggml's vec_dot_type of f16): y_j = binary16 j.
fn y_element(j: u32) -> f32 {
  return f16_to_f32(y_u16(2u * j));
}
