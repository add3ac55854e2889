// fp4 decode (bitsandbytes FP4): y = ±lutMagnitude[code & 7]·absmax with the sign in code bit 3 (code 8 is
// −0); negating the table value is exact, so this is the reference's single f32 multiply, bit for bit.
// Block: f32 absmax, then 32 code bytes; element 2i is the HIGH nibble of byte i, 2i + 1 the LOW nibble.
// Invocation i writes dst[4i .. 4i+3]: block i / 16, code bytes 2·(i % 16) and 2·(i % 16) + 1.

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

fn fp4_value(code: u32) -> f32 {
  var mag = FP4_LUT_MAGNITUDE;
  let m = mag[code & 7u];
  return select(m, -m, (code & 8u) != 0u);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let b = i / 16u;
  let base = b * FP4_BLOCK_BYTES;
  let absmax = bitcast<f32>(read_u32(base + FP4_ABSMAX_OFFSET));
  let byte_index = base + FP4_QS_OFFSET + 2u * (i % 16u);
  for (var k = 0u; k < 2u; k++) {
    let byte = read_u8(byte_index + k);
    dst[i * 4u + 2u * k] = fp4_value(byte >> 4u) * absmax;
    dst[i * 4u + 2u * k + 1u] = fp4_value(byte & 0xfu) * absmax;
  }
}
