// MWQ decode (whole shader), shared by the family's generated wgsl/generated/<id>.decode.wgsl (mwq_* and
// dround_8*), which declare BITS, MASTER_BITS and GROUP_SIZE from their generated params, and ZERO_BYTES:
// 1 where a uint8 zero point per group follows the scales (mwq), 0 where the zero is the fixed 2^(MASTER_BITS − 1) of Double
// Rounding's offset-binary codes (no zero bytes in the stream). Invocation i takes byte position i of every plane, i.e. the
// eight weights 8i .. 8i+7 (a group of GROUP_SIZE, a multiple of 8, never splits a byte): it reads the r
// plane bytes once, assembles the eight codes four lanes at a time, and writes eight values. The layout is
// common.wgsl's (scales, zero points, then the planes of the whole tensor); ŵ = α·(S·2^(masterBits − r) − z)
// is one float32 multiply of an exact integer, so the result is bit-exact with the reference. The host
// dispatches ⌈n/4⌉ invocations (the decode ABI); those past n/8 return at once.

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
  if (i * 8u >= params.n) {
    return;
  }
  let groups = params.n / GROUP_SIZE;
  let g = (i * 8u) / GROUP_SIZE;
  let scale = bitcast<f32>(read_u32(4u * g));
  var zero = vec4<i32>(i32(1u << (MASTER_BITS - 1u)));
  if (ZERO_BYTES == 1u) {
    zero = vec4<i32>(i32(read_u8(4u * groups + g)));
  }
  let planes = (4u + ZERO_BYTES) * groups;
  let plane_bytes = (params.n + 7u) / 8u;
  var lo = vec4<u32>(0u);
  var hi = vec4<u32>(0u);
  for (var p = 0u; p < BITS; p++) {
    let b = vec4<u32>(read_u8(planes + p * plane_bytes + i));
    lo = (lo << vec4<u32>(1u)) | ((b >> vec4<u32>(0u, 1u, 2u, 3u)) & vec4<u32>(1u));
    hi = (hi << vec4<u32>(1u)) | ((b >> vec4<u32>(4u, 5u, 6u, 7u)) & vec4<u32>(1u));
  }
  let shift = vec4<u32>(MASTER_BITS - BITS);
  let a = scale * vec4<f32>(vec4<i32>(lo << shift) - zero);
  let c = scale * vec4<f32>(vec4<i32>(hi << shift) - zero);
  let o = i * 8u;
  dst[o] = a.x;
  dst[o + 1u] = a.y;
  dst[o + 2u] = a.z;
  dst[o + 3u] = a.w;
  dst[o + 4u] = c.x;
  dst[o + 5u] = c.y;
  dst[o + 6u] = c.z;
  dst[o + 7u] = c.w;
}
