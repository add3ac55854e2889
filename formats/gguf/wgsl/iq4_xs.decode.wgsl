// iq4_xs decode: y = dl·kvalues[code] with dl = d·(ls − 32), ls the 6-bit scale of 32-element block ib (low
// nibble from scales_l, top two bits from scales_h); element j < 16 of a block is the low nibble of its code
// byte j, j + 16 the high nibble. Invocation i writes dst[4i .. 4i+3]: super-block i / 64.

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
  let base = (i / 64u) * IQ4_XS_BLOCK_BYTES;
  let d = f16_to_f32(read_u16(base + IQ4_XS_D_OFFSET));
  let ib = e / 32u;
  let h = read_u16(base + IQ4_XS_SCALES_H_OFFSET);
  let ls = ((read_u8(base + IQ4_XS_SCALES_L_OFFSET + ib / 2u) >> (4u * (ib % 2u))) & 0xfu) | (((h >> (2u * ib)) & 3u) << 4u);
  let dl = d * f32(i32(ls) - 32);
  let r = e % 32u;
  let bytes = read_u32(base + IQ4_XS_QS_OFFSET + 16u * ib + (r % 16u));
  let shift = select(0u, 4u, r >= 16u);
  var values = IQ4_NL_KVALUES_IQ4NL;
  for (var k = 0u; k < 4u; k++) {
    dst[i * 4u + k] = dl * f32(values[(bytes >> (8u * k + shift)) & 0xfu]);
  }
}
