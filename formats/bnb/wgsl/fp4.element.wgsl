// bnb fp4 element (generic decode and matvec): y = ±lutMagnitude[code & 7]·absmax,
// sign bit 3; element 2i is the HIGH nibble of code byte i, 2i + 1 the LOW nibble.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> fp4_lut_magnitude_p = FP4_LUT_MAGNITUDE;

fn decode_element(base: u32, e: u32) -> f32 {
  let absmax = bitcast<f32>(read_u32(base + FP4_ABSMAX_OFFSET));
  let code = (read_u8(base + FP4_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  let m = fp4_lut_magnitude_p[code & 7u];
  return select(m, -m, (code & 8u) != 0u) * absmax;
}
