// q3_k decode: y = dl·code, dl = d·(scale_s − 32) for 16-element sub-block s (6-bit scales: low nibble from
// bytes 0..7, top two bits from bytes 8..11), code = low 2 bits (as q2_k) − 4 unless hmask[e & 31] has bit
// e >> 5. Invocation i writes dst[4i .. 4i+3]: block i / 64, four consecutive elements.

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

fn q3_scale(s: u32, j: u32) -> i32 {
  let lo = select(read_u8(s + j - 8u) >> 4u, read_u8(s + j) & 0xfu, j < 8u);
  return i32(lo | (((read_u8(s + 8u + (j % 4u)) >> (2u * (j / 4u))) & 3u) << 4u));
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  if (i * 4u >= params.n) {
    return;
  }
  let e = (i % 64u) * 4u;
  let base = (i / 64u) * Q3_K_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q3_K_D_OFFSET));
  let dl = d * f32(q3_scale(base + Q3_K_SCALES_OFFSET, e / 16u) - 32);
  let r = e % 128u;
  let lows = read_u32(base + Q3_K_QS_OFFSET + 32u * (e / 128u) + (r % 32u));
  let highs = read_u32(base + Q3_K_HMASK_OFFSET + (r % 32u));
  let shift = 2u * (r / 32u);
  let bit = e / 32u;
  for (var k = 0u; k < 4u; k++) {
    let low = i32((lows >> (8u * k + shift)) & 3u);
    let hbit = ((highs >> (8u * k)) >> bit) & 1u;
    dst[i * 4u + k] = dl * f32(select(low - 4, low, hbit == 1u));
  }
}
