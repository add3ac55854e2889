// q5_k decode: y = (dl·code) − ml, dl = d·scale_j, ml = dmin·min_j for 32-element sub-block j (q4_k's
// 6-bit scale/min pairs), code = q4_k's nibble + 16 when qh[e & 31] has bit 2·(e >> 6) + ((e & 63) ≥ 32).
// Invocation i writes dst[4i .. 4i+3]: block i / 64, four consecutive elements of one sub-block.

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

fn scale_min_k4(s: u32, j: u32) -> vec2<u32> {
  if (j < 4u) {
    return vec2<u32>(read_u8(s + j) & 63u, read_u8(s + j + 4u) & 63u);
  }
  let sc = (read_u8(s + j + 4u) & 0xfu) | ((read_u8(s + j - 4u) >> 6u) << 4u);
  let m = (read_u8(s + j + 4u) >> 4u) | ((read_u8(s + j) >> 6u) << 4u);
  return vec2<u32>(sc, m);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let e = (i % 64u) * 4u;
  let base = (i / 64u) * Q5_K_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q5_K_D_OFFSET));
  let dmin = f16_to_f32(read_u16(base + Q5_K_DMIN_OFFSET));
  let sm = scale_min_k4(base + Q5_K_SCALES_OFFSET, e / 32u);
  let dl = d * f32(sm.x);
  let ml = dmin * f32(sm.y);
  let r = e % 64u;
  let bytes = read_u32(base + Q5_K_QS_OFFSET + 32u * (e / 64u) + (r % 32u));
  let highs = read_u32(base + Q5_K_QH_OFFSET + (r % 32u));
  let shift = select(0u, 4u, r >= 32u);
  let bit = 2u * (e / 64u) + select(0u, 1u, r >= 32u);
  for (var k = 0u; k < 4u; k++) {
    let code = ((bytes >> (8u * k + shift)) & 0xfu) | ((((highs >> (8u * k)) >> bit) & 1u) << 4u);
    dst[i * 4u + k] = mul_rounded(dl, f32(code), params._pad) - ml;
  }
}
