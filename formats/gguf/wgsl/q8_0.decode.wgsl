// q8_0 decode: element j of block b = code[j]·d, one f32 multiply (bit-exact with the reference).
// Bindings and dispatch: packages/runtime-wasm/KERNEL-ABI.md ("WGSL decode kernels"): invocation i writes
// dst[4i .. 4i+3]; here those are four consecutive codes of one block (32 = 8 × 4).

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
  let q = (i % 8u) * 4u;
  let base = b * Q8_0_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q8_0_D_OFFSET));
  let codes = read_u32(base + Q8_0_QS_OFFSET + q);
  for (var k = 0u; k < 4u; k++) {
    dst[i * 4u + k] = f32(sext8(codes >> (8u * k))) * d;
  }
}
