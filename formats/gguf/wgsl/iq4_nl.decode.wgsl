// iq4_nl decode: y = d·kvalues[code], one f32 multiply (bit-exact with the reference). Element j (0..15) is
// the low nibble of code byte j, element j + 16 its high nibble. Invocation i writes dst[4i .. 4i+3]: block
// i / 8, elements 4·(i % 8) .. +3 (low nibbles for i % 8 < 4, high otherwise).

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let b = i / 8u;
  let g = i % 8u;
  let base = b * IQ4_NL_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + IQ4_NL_D_OFFSET));
  let bytes = read_u32(base + IQ4_NL_QS_OFFSET + (g % 4u) * 4u);
  let shift = select(0u, 4u, g >= 4u);
  var values = IQ4_NL_KVALUES_IQ4NL;
  for (var k = 0u; k < 4u; k++) {
    dst[i * 4u + k] = d * f32(values[(bytes >> (8u * k + shift)) & 0xfu]);
  }
}
