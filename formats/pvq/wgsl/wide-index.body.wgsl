// Decode of the wide-index PVQ formats (pvq_d32_k41, pvq_d32_k41_rht, pvq_d32_k87), as the reference codec (formats/pvq/src/codec.ts): each group's CWRS index (libopus
// celt/cwrs.c order) is unranked into a pulse vector y with Σ|y_j| = K, then ŵ_j = y_j·s with
// s = fl(fl(c·step) / fl(√Σy²)), step = fl(gainMax / (2^gainBits − 1)) (correctly rounded division and sqrt
// in integer arithmetic, common.wgsl); s = 0 gives +0. ROTATE: the block then goes through the inverse
// randomized Hadamard rotation Rᵀz = diag(s)·fl(fl(H·z)·fl(1/√L)) with the reference's float32 butterflies
// (hadamard.ts). Bit-exact with the reference.
//
// Indices (88 bits for pvq_d32_k41(_rht), 120 for pvq_d32_k87) and U(n, k) counts are 128-bit vec4<u32>
// limbs, as two-limb u64 pairs are in the wasm kernel (formats/pvq/wasm/decode-pvq.ts). The full
// U table, (N + 1)·(K + 2) 16-byte entries, would not fit the 16 KiB of workgroup memory WebGPU guarantees,
// so each unranking keeps one row U(d, ·) in private memory: built up to row N from the params by the
// recurrence, then taken down one row per coordinate (U(d−1, k) = U(d, k) − U(d, k−1) − U(d−1, k−1)),
// only as far as the shrinking pulse count still reads.
//
// Work split: a workgroup decodes WORKGROUP_SIZE·4 consecutive elements (the host dispatches ceil(n/4)
// invocations in whole workgroups), whole groups and, with ROTATE, whole blocks: WORKGROUP_SIZE must be a
// multiple of N/4, and with ROTATE of BLOCK_ELEMENTS/4 = 64 (qbench's default is 64). Its first WORKGROUP_SIZE·4/N invocations
// unrank one group each (next to each other, so on a SIMD device they share the work in lockstep instead
// of every invocation repeating its group's unranking). Without rotation they write the group's outputs;
// with it they leave y·s in workgroup memory, and after a barrier the whole workgroup runs the butterflies
// (a barrier per stage) and writes dst[4i .. 4i+3], scaled and signed.
// Stream: float32 gainMax (GAIN_MAX_HEADER_OFFSET), then n/256 blocks, each an LSB-first bit stream of the
// 8 gain codes then the 8 indices. Inputs the reference rejects (an index ≥ V(N, K), a gainMax that is not
// finite and ≥ 0) decode to unspecified values, but every loop still ends. Bindings: KERNEL-ABI.md.
// Each format's <id>.decode.wgsl declares the constant aliases this body reads (N, K, GAIN_BITS,
// INDEX_BITS, BLOCK_ELEMENTS, BLOCK_BYTES, GAIN_OFFSET, INDEX_OFFSET, HEADER, ROTATE, SEED) and appends it
// with `// @append wide-index.body.wgsl` (shaders.ts). It is not the family's common.wgsl because
// pvq_d32_k17 also gets that one and has no such aliases.

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


const WIDTH = K + 2u; // U(d, k) for k ≤ K + 1
const_assert INDEX_BITS <= 128u;

// with ROTATE: the workgroup's elements between the unranking and the butterflies
var<workgroup> vals: array<f32, WORKGROUP_SIZE * 4u>;

// Unranks group `g` (cwrs.ts decodeCwrs) into its N outputs y_j·s: written to dst, or to `vals` from
// `local` with ROTATE.
fn decode_group(g: u32, local: u32) {
  let b = (g * N) / BLOCK_ELEMENTS;
  let t = (g * N) % BLOCK_ELEMENTS / N;
  let block = HEADER + 4u + b * BLOCK_BYTES;
  let c = pvq_bits(block + GAIN_OFFSET, t * GAIN_BITS, GAIN_BITS);
  var idx = pvq_bits128(block + INDEX_OFFSET, t * INDEX_BITS, INDEX_BITS);
  // row d of U, from row 0 (U(0, 0) = 1) up to row N: U(n, k) = U(n−1, k) + U(n, k−1) + U(n−1, k−1)
  var row: array<vec4<u32>, WIDTH>;
  row[0] = vec4<u32>(1u, 0u, 0u, 0u);
  for (var n = 1u; n <= N; n++) {
    var up_left = row[0]; // U(n−1, k−1)
    row[0] = vec4<u32>(); // U(n, 0) = 0
    for (var k = 1u; k < WIDTH; k++) {
      let up = row[k];
      row[k] = u128_add(u128_add(up, row[k - 1u]), up_left);
      up_left = up;
    }
  }
  var k = K;
  var yy = 0u;
  var ys: array<i32, N>;
  for (var jj = 0u; jj < N && k > 0u; jj++) {
    let d = N - jj;
    let p = row[k + 1u];
    let neg = u128_ge(idx, p);
    if (neg) {
      idx = u128_sub(idx, p);
    }
    let k0 = k;
    while (k > 0u && !u128_ge(idx, row[k])) {
      k = k - 1u;
    }
    idx = u128_sub(idx, row[k]);
    let y = select(i32(k0 - k), -i32(k0 - k), neg);
    ys[jj] = y;
    yy += u32(y * y);
    // row d → d − 1, entries 0 ..= k + 1 (all that later steps read: k only shrinks)
    var right = row[0]; // U(d, k−1) before it is overwritten
    row[0] = vec4<u32>(select(0u, 1u, d == 1u), 0u, 0u, 0u);
    for (var kk = 1u; kk <= k + 1u; kk++) {
      let here = row[kk];
      row[kk] = u128_sub(u128_sub(here, right), row[kk - 1u]);
      right = here;
    }
  }
  // (k = 0 leaves the remaining pulses 0, as ys starts)
  let gain_max = bitcast<f32>(read_u32(HEADER));
  let step = pvq_div(gain_max, f32((1u << GAIN_BITS) - 1u));
  let s = select(pvq_div(f32(c) * step, pvq_sqrt_int(yy)), 0.0, yy == 0u);
  for (var j = 0u; j < N; j++) {
    let v = select(f32(ys[j]) * s, 0.0, s == 0.0);
    if (ROTATE) {
      vals[local + j] = v;
    } else {
      dst[g * N + j] = v;
    }
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = gid.x + gid.y * params.threads_x;
  let first = (i - lid) * 4u; // the workgroup's first element
  let groups = WORKGROUP_SIZE * 4u / N;
  if (lid < groups && first + lid * N < params.n) {
    decode_group(first / N + lid, lid * N);
  }
  if (!ROTATE) {
    return;
  }
  // inverse rotation of the workgroup's blocks (hadamard.ts inverse): H·z with butterflies (a + b, a − b)
  // for h = 1, 2, 4, …; each element's value is fixed by the butterfly graph, not by the order pairs run
  workgroupBarrier();
  let half = BLOCK_ELEMENTS / 2u;
  for (var h = 1u; h < BLOCK_ELEMENTS; h = h << 1u) {
    for (var r = 0u; r < 2u; r++) {
      let p = lid + r * WORKGROUP_SIZE; // one of the workgroup's WORKGROUP_SIZE·2 pairs
      let q = p % half;
      let e = (p / half) * BLOCK_ELEMENTS + (q / h) * 2u * h + q % h;
      let a = vals[e];
      let c = vals[e + h];
      vals[e] = a + c;
      vals[e + h] = a - c;
    }
    workgroupBarrier();
  }
  // fl(1/√L), exact for L a power of 4 (256), then fl(v·norm)·s_j
  let norm = pvq_div(1.0, pvq_sqrt_int(BLOCK_ELEMENTS));
  for (var r = 0u; r < 4u; r++) {
    let j = i * 4u + r;
    if (j < params.n) {
      dst[j] = vals[lid * 4u + r] * norm * pvq_rht_sign(SEED, j % BLOCK_ELEMENTS);
    }
  }
}
