// nvfp4 element (generic decode): y = E2M1[code]·fl(t·E4M3[s]), two f32 multiplies in the reference's order;
// t is the float32 per-tensor scale at byte 0 of the tensor (before the first block), s the block's E4M3
// scale byte. Codes packed LSB first (element 2i in the low nibble of byte i).
// No matvec: the tensor scale makes a row's bytes depend on the whole tensor, not on the row alone.

fn decode_element(base: u32, e: u32) -> f32 {
  let t = bitcast<f32>(read_u32(0u));
  var scales = E4M3FN_ELEMENT_TABLE;
  let total = t * bitcast<f32>(scales[read_u8(base + NVFP4_SCALE_OFFSET)]);
  var table = NVFP4_ELEMENT_TABLE;
  return bitcast<f32>(table[read_code(base + NVFP4_ELEMENTS_OFFSET, e, NVFP4_ELEMENT_BITS)]) * total;
}
