// q2_k decode: y = (dl·code) − ml, dl = d·(sc & 15), ml = dmin·(sc >> 4) for 16-element sub-block j (scale
// byte j), code = (qs[32·(e >> 7) + (e & 31)] >> 2·((e & 127) >> 5)) & 3. Invocation i writes
// dst[4i .. 4i+3]: block i / 64, four consecutive elements (one sub-block, four consecutive qs bytes).

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
  let e = (i % 64u) * 4u;
  let base = (i / 64u) * Q2_K_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q2_K_D_OFFSET));
  let dmin = f16_to_f32(read_u16(base + Q2_K_DMIN_OFFSET));
  let sc = read_u8(base + Q2_K_SCALES_OFFSET + e / 16u);
  let dl = d * f32(sc & 0xfu);
  let ml = dmin * f32(sc >> 4u);
  let r = e % 128u;
  let bytes = read_u32(base + Q2_K_QS_OFFSET + 32u * (e / 128u) + (r % 32u));
  let shift = 2u * (r / 32u);
  for (var k = 0u; k < 4u; k++) {
    let code = (bytes >> (8u * k + shift)) & 3u;
    dst[i * 4u + k] = mul_rounded(dl, f32(code), params._pad) - ml;
  }
}
