// q6_k decode: y = (d·scale_s)·(code − 32) for 16-element sub-block s, code = 4 low bits from ql and 2 high
// bits from qh. Element e: half h = e >> 7, r = e & 127, k = r >> 5, l = r & 31: low nibble of
// ql[64h + l + 32·(k & 1)] (high nibble for k ≥ 2), high bits (qh[32h + l] >> 2k) & 3. Invocation i writes
// dst[4i .. 4i+3]: block i / 64, four consecutive l of the same k.

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
  let b = i / 64u;
  let e = (i % 64u) * 4u;
  let base = b * Q6_K_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + Q6_K_D_OFFSET));
  let sc = d * f32(sext8(read_u8(base + Q6_K_SCALES_OFFSET + e / 16u)));
  let h = e / 128u;
  let r = e % 128u;
  let k = r / 32u;
  let l = r % 32u;
  let lows = read_u32(base + Q6_K_QL_OFFSET + 64u * h + l + 32u * (k & 1u));
  let highs = read_u32(base + Q6_K_QH_OFFSET + 32u * h + l);
  let lshift = select(0u, 4u, k >= 2u);
  for (var t = 0u; t < 4u; t++) {
    let low = (lows >> (8u * t + lshift)) & 0xfu;
    let high = (highs >> (8u * t + 2u * k)) & 3u;
    dst[i * 4u + t] = sc * f32(i32(low | (high << 4u)) - 32);
  }
}
