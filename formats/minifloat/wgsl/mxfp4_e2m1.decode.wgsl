// mxfp4_e2m1 decode (OCP MX): y = 2^(s − 127)·E2M1[code], one f32 multiply; scale byte 0xFF → NaN block.
// Block: E8M0 scale byte, then 16 bytes of codes, element 2i in the LOW nibble of byte i (LSB first).
// Invocation i writes dst[4i .. 4i+3]: block i / 8, code bytes 2·(i % 8) and 2·(i % 8) + 1.

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
  let base = b * MXFP4_E2M1_BLOCK_BYTES;
  let x = e8m0_scale(read_u8(base + MXFP4_E2M1_SCALE_OFFSET));
  let codes = read_u16(base + MXFP4_E2M1_ELEMENTS_OFFSET + 2u * (i % 8u));
  var table = MXFP4_E2M1_ELEMENT_TABLE;
  for (var k = 0u; k < 4u; k++) {
    dst[i * 4u + k] = x * bitcast<f32>(table[(codes >> (4u * k)) & 0xfu]);
  }
}
