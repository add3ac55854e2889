// tq1_0 element (generic decode and matvec): y = (trit − 1)·d. Bytes hold base-3 fixed-point fractions:
// trit k of byte v is ((v·3^k) mod 256)·3 / 256. Elements 0..159: byte qs[e % 32], k = e / 32; 160..239:
// qs[32 + (e − 160) % 16], k = (e − 160) / 16; 240..255: qh[(e − 240) % 4], k = (e − 240) / 4.

fn decode_element(base: u32, e: u32) -> f32 {
  let d = f16_to_f32(read_u16(base + TQ1_0_D_OFFSET));
  var byte_index: u32;
  var k: u32;
  if (e < 160u) {
    byte_index = TQ1_0_QS_OFFSET + e % 32u;
    k = e / 32u;
  } else if (e < 240u) {
    byte_index = TQ1_0_QS_OFFSET + 32u + (e - 160u) % 16u;
    k = (e - 160u) / 16u;
  } else {
    byte_index = TQ1_0_QH_OFFSET + (e - 240u) % 4u;
    k = (e - 240u) / 4u;
  }
  var v = read_u8(base + byte_index);
  for (var t = 0u; t < k; t++) {
    v = (v * 3u) & 0xffu;
  }
  return f32(i32((v * 3u) >> 8u) - 1) * d;
}
