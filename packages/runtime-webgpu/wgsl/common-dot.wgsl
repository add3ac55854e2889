// Helpers for dot (matrix · vector) kernels, prepended after common.wgsl: byte reads from the activation
// row `yq`, already quantized to the format's partner type (q8_0, q8_k, …) by the reference quantizer on
// the host, and the workgroup reduction that turns per-thread partial sums into one result per row.
// The binding layout below is the one dot.ts/launch.ts bind for every dot kernel (KERNEL-ABI.md, "WGSL dot
// kernels"), declared once here rather than in each kernel.

struct Params {
  n: u32,
  rows: u32,
  blocks_per_row: u32,
  rows_x: u32,
}

@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read> yq: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override WORKGROUP_SIZE: u32 = 64u;

fn y_u8(i: u32) -> u32 {
  return (yq[i >> 2u] >> ((i & 3u) * 8u)) & 0xffu;
}

fn y_u16(i: u32) -> u32 {
  return y_u8(i) | (y_u8(i + 1u) << 8u);
}

fn y_u32(i: u32) -> u32 {
  let s = (i & 3u) * 8u;
  let w0 = yq[i >> 2u];
  if (s == 0u) {
    return w0;
  }
  return (w0 >> s) | (yq[(i >> 2u) + 1u] << (32u - s));
}

// Σ of four signed-byte products of two packed words (what dot4I8Packed computes, written out for
// implementations without the packed_4x8_integer_dot_product feature).
fn dot4_i8(a: u32, b: u32) -> i32 {
  var s = 0i;
  for (var k = 0u; k < 4u; k++) {
    s += sext8(a >> (8u * k)) * sext8(b >> (8u * k));
  }
  return s;
}

var<workgroup> partial: array<f32, 256>;

// Tree sum of `partial[0 .. WORKGROUP_SIZE)` (a power of two ≤ 256); the result lands in partial[0].
fn reduce_partial(lid: u32) {
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lid < stride) {
      partial[lid] = partial[lid] + partial[lid + stride];
    }
  }
  workgroupBarrier();
}
