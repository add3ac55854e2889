// bnb fp4 element (generic matvec; decode entry point fp4.decode.wgsl, same formula): y = ±lutMagnitude[code & 7]·absmax,
// sign bit 3; element 2i is the HIGH nibble of code byte i, 2i + 1 the LOW nibble.

fn decode_element(base: u32, e: u32) -> f32 {
  let absmax = bitcast<f32>(read_u32(base + FP4_ABSMAX_OFFSET));
  let code = (read_u8(base + FP4_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  var mag = FP4_LUT_MAGNITUDE;
  let m = mag[code & 7u];
  return select(m, -m, (code & 8u) != 0u) * absmax;
}
