// The device's memory bandwidth as a compute kernel sees it: invocation i copies 16 bytes (one vec4<u32>)
// from `src` to `dst`, neighbouring invocations on neighbouring words. Read + written bytes over the pass
// time is the yardstick the throughput suite sets every WebGPU kernel against (copy-bandwidth.ts).

struct Params {
  words: u32,
  threads_x: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i < params.words) {
    dst[i] = src[i];
  }
}
