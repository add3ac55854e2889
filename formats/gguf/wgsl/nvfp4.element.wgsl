// nvfp4 (ggml) element (generic decode and matvec): sub-block s = e / 16 has UE4M3 scale byte d[s] and code
// bytes qs[8s .. 8s + 7]; element 16s + j is the low nibble of qs[8s + j % 8] for j < 8, the high one for
// j ≥ 8. y = kvalues_mxfp4[code]·ue4m3_half(d[s]), the half scale built from bits (0 and 0x7F are 0).

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> nvfp4_kvalues_p = MXFP4_KVALUES_MXFP4;

fn nvfp4_ue4m3_half(x: u32) -> f32 {
  if (x == 0u || x == 0x7fu) {
    return 0.0;
  }
  let ex = (x >> 3u) & 0xfu;
  let man = x & 7u;
  if (ex == 0u) {
    return f32(man) * bitcast<f32>(0x3a800000u); // man·2^-10
  }
  return bitcast<f32>(((ex + 119u) << 23u) | (man << 20u));
}

fn decode_element(base: u32, e: u32) -> f32 {
  let s = e / 16u;
  let j = e % 16u;
  let d = nvfp4_ue4m3_half(read_u8(base + NVFP4_D_OFFSET + s));
  let code = (read_u8(base + NVFP4_QS_OFFSET + 8u * s + j % 8u) >> (4u * (j / 8u))) & 0xfu;
  return f32(nvfp4_kvalues_p[code]) * d;
}
