// e4m3fn decode: a plain stream of one-byte codes, y = element[code] (the table's bit pattern, so NaN and
// inf codes decode exactly). Invocation i writes dst[4i .. 4i+3] from code bytes 4i .. 4i+3; the last
// invocation stops at params.n (blocks are single elements, so n need not be a multiple of 4).

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
  let codes = src[i];
  var table = E4M3FN_ELEMENT_TABLE;
  for (var k = 0u; k < 4u && i * 4u + k < params.n; k++) {
    dst[i * 4u + k] = bitcast<f32>(table[(codes >> (8u * k)) & 0xffu]);
  }
}
