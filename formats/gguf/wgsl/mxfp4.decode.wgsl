// mxfp4 (ggml) decode: y = kvalues[code]·2^(e − 128) (ggml_e8m0_to_fp32_half, built from bits), one f32
// multiply. Element j (0..15) is the low nibble of code byte j, j + 16 its high nibble (ggml's split halves).
// Invocation i writes dst[4i .. 4i+3]: block i / 8, elements 4·(i % 8) .. +3.

struct Params {
  n: u32,
  blocks: u32,
  threads_x: u32,
  _pad: u32,
}

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 64u;

fn e8m0_half(e: u32) -> f32 {
  return bitcast<f32>(select((e - 1u) << 23u, 0x00200000u << e, e < 2u));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let g = i % 8u;
  let base = (i / 8u) * MXFP4_BLOCK_BYTES;
  let d = e8m0_half(read_u8(base + MXFP4_E_OFFSET));
  let bytes = read_u32(base + MXFP4_QS_OFFSET + (g % 4u) * 4u);
  let shift = select(0u, 4u, g >= 4u);
  var values = MXFP4_KVALUES_MXFP4;
  for (var k = 0u; k < 4u; k++) {
    dst[i * 4u + k] = f32(values[(bytes >> (8u * k + shift)) & 0xfu]) * d;
  }
}
