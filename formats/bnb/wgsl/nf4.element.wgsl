// nf4 element (generic decode and matvec): y = nf4_lut_p[code]·absmax;
// element 2i is the HIGH nibble of code byte i, 2i + 1 the LOW nibble.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> nf4_lut_p = NF4_LUT;

fn decode_element(base: u32, e: u32) -> f32 {
  let absmax = bitcast<f32>(read_u32(base + NF4_ABSMAX_OFFSET));
  let code = (read_u8(base + NF4_QS_OFFSET + e / 2u) >> select(4u, 0u, (e & 1u) == 1u)) & 0xfu;
  return nf4_lut_p[code] * absmax;
}
