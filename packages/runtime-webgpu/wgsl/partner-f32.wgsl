// Activations for formats with no partner type (no spec params.vecDotType): y staged as raw float32.
fn y_element(j: u32) -> f32 {
  return bitcast<f32>(yq[j]);
}
