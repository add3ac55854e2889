// q4_k decode: y = (dl·code) − ml with dl = d·scale_j, ml = dmin·min_j for 32-element sub-block j, each a
// separate f32 operation as in the reference. Element e: code byte qs[32·(e >> 6) + (e & 31)], low nibble
// for (e & 63) < 32. Invocation i writes dst[4i .. 4i+3]: block i / 64, elements 4·(i % 64) .. +3 (same
// sub-block, four consecutive code bytes).

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

// get_scale_min_k4: 6-bit scale (x) and min (y) of sub-block j from the 12 bytes at `s`.
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
  let b = i / 64u;
  let e = (i % 64u) * 4u;
  let base = b * Q4_K_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q4_K_D_OFFSET));
  let dmin = f16_to_f32(read_u16(base + Q4_K_DMIN_OFFSET));
  let sm = scale_min_k4(base + Q4_K_SCALES_OFFSET, e / 32u);
  let dl = d * f32(sm.x);
  let ml = dmin * f32(sm.y);
  let r = e % 64u;
  let bytes = read_u32(base + Q4_K_QS_OFFSET + 32u * (e / 64u) + (r % 32u));
  let shift = select(0u, 4u, r >= 32u);
  for (var k = 0u; k < 4u; k++) {
    let code = (bytes >> (8u * k + shift)) & 0xfu;
    dst[i * 4u + k] = mul_rounded(dl, f32(code), params._pad) - ml;
  }
}
