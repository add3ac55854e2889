// pvq_d32_k17 decode, as the reference codec (formats/pvq/src/codec.ts): each group's CWRS index (libopus
// celt/cwrs.c order) is unranked into a pulse vector y with Σ|y_j| = K over the U(n, k) counting table,
// then ŵ_j = y_j·s, s = fl(fl(c·step) / fl(√Σy²)), step = fl(gainMax / (2^gainBits − 1)); s = 0 gives +0
// (not −0 for negative pulses). Division and sqrt are correctly rounded in integer arithmetic (common.wgsl),
// so the result is bit-exact. The 55-bit indices and U(32, 18) < 2^64 fit vec2<u32> arithmetic, and the
// whole U table fits workgroup memory; the 88- and 120-bit formats (pvq_d32_k41.decode.wgsl and its
// siblings) unrank in vec4<u32> limbs over one private table row instead.
// Stream: float32 gainMax (GAIN_MAX_HEADER_OFFSET), then n/256 blocks, each an LSB-first bit stream of the
// 8 gain codes then the 8 indices. Invocation i writes dst[4i .. 4i+3], four elements of one group: it
// unranks the whole group (the sum of squares needs every pulse) and keeps its four.
// Bindings: KERNEL-ABI.md ("WGSL decode kernels").

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

const N = PVQ_D32_K17_PARAM_GROUP_SIZE;
const K = PVQ_D32_K17_PARAM_PULSES;
const WIDTH = PVQ_D32_K17_PARAM_PULSES + 2u;

// U(n, k) for n ≤ N, k ≤ K + 1 (row n at n·WIDTH), built once per workgroup from the params (count.ts UTable)
var<workgroup> u_table: array<vec2<u32>, (PVQ_D32_K17_PARAM_GROUP_SIZE + 1u) * (PVQ_D32_K17_PARAM_PULSES + 2u)>;

fn u(n: u32, k: u32) -> vec2<u32> {
  return u_table[n * WIDTH + k];
}

// U(0, 0) = 1, U(0, k) = 0, U(n, 0) = 0, U(n, k) = U(n−1, k) + U(n, k−1) + U(n−1, k−1)
fn build_u() {
  for (var k = 0u; k < WIDTH; k++) {
    u_table[k] = vec2<u32>(select(0u, 1u, k == 0u), 0u);
  }
  for (var n = 1u; n <= N; n++) {
    u_table[n * WIDTH] = vec2<u32>(0u, 0u);
    for (var k = 1u; k < WIDTH; k++) {
      u_table[n * WIDTH + k] = u64_add(u64_add(u(n - 1u, k), u(n, k - 1u)), u(n - 1u, k - 1u));
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  // the table first, by one invocation, before any returns (the barrier needs the whole workgroup)
  if (lid == 0u) {
    build_u();
  }
  workgroupBarrier();
  let i = gid.x + gid.y * params.threads_x;
  let j0 = i * 4u;
  if (j0 >= params.n) {
    return;
  }
  let b = j0 / PVQ_D32_K17_BLOCK_ELEMENTS;
  let t = (j0 % PVQ_D32_K17_BLOCK_ELEMENTS) / N;
  let first = (j0 % N); // the four elements j0 .. j0+3 are pulses first .. first+3 of group t
  let block = PVQ_D32_K17_GAIN_MAX_HEADER_OFFSET + 4u + b * PVQ_D32_K17_BLOCK_BYTES;
  let c = pvq_bits(block + PVQ_D32_K17_GAIN_OFFSET, t * PVQ_D32_K17_PARAM_GAIN_BITS, PVQ_D32_K17_PARAM_GAIN_BITS);
  let ibit = t * PVQ_D32_K17_PARAM_INDEX_BITS;
  var idx = vec2<u32>(
    pvq_bits(block + PVQ_D32_K17_INDEX_OFFSET, ibit, 32u),
    pvq_bits(block + PVQ_D32_K17_INDEX_OFFSET, ibit + 32u, PVQ_D32_K17_PARAM_INDEX_BITS - 32u),
  );
  // CWRS unranking (cwrs.ts decodeCwrs); k never goes below 0, so an out-of-range index (which the
  // reference rejects) still ends
  var k = K;
  var yy = 0u;
  var ys = vec4<i32>();
  for (var jj = 0u; jj < N; jj++) {
    let d = N - jj;
    let p = u(d, k + 1u);
    let neg = u64_ge(idx, p);
    if (neg) {
      idx = u64_sub(idx, p);
    }
    let k0 = k;
    while (k > 0u && !u64_ge(idx, u(d, k))) {
      k = k - 1u;
    }
    idx = u64_sub(idx, u(d, k));
    let y = select(i32(k0 - k), -i32(k0 - k), neg);
    yy += u32(y * y);
    if (jj >= first && jj < first + 4u) {
      ys[jj - first] = y;
    }
  }
  let gain_max = bitcast<f32>(read_u32(PVQ_D32_K17_GAIN_MAX_HEADER_OFFSET));
  let step = pvq_div(gain_max, f32((1u << PVQ_D32_K17_PARAM_GAIN_BITS) - 1u));
  let s = select(pvq_div(f32(c) * step, pvq_sqrt_int(yy)), 0.0, yy == 0u);
  for (var e = 0u; e < 4u; e++) {
    dst[j0 + e] = select(f32(ys[e]) * s, 0.0, s == 0.0);
  }
}
