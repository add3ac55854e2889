// q5_0 decode: y = (code − 16)·d with a 5-bit code: low nibble from qs (element j < 16: low nibble of byte j;
// j ≥ 16: high nibble of byte j − 16) and bit j of the little-endian qh word as bit 4. Bit-exact.
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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let g = i % 8u;
  let base = (i / 8u) * Q5_0_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q5_0_D_OFFSET));
  let qh = read_u32(base + Q5_0_QH_OFFSET);
  let bytes = read_u32(base + Q5_0_QS_OFFSET + (g % 4u) * 4u);
  let shift = select(0u, 4u, g >= 4u);
  for (var k = 0u; k < 4u; k++) {
    let j = g * 4u + k;
    let code = ((bytes >> (8u * k + shift)) & 0xfu) | (((qh >> j) & 1u) << 4u);
    dst[i * 4u + k] = f32(i32(code) - 16) * d;
  }
}
