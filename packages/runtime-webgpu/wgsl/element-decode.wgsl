// Generic decode entry point for formats whose kernel is written as an element include
// (formats/<family>/wgsl/<format>.element.wgsl): the include provides `fn decode_element(base, e) -> f32`
// (element e of the block whose first byte is `base`), the loader defines BLOCK_ELEMENTS / BLOCK_BYTES from
// the family's generated constants, and HEADER_BYTES (per-tensor side info before the first block, read by
// the include at its own offsets, e.g. NVFP4's tensor scale at byte 0). The same entry point serves tensor
// includes (<format>.tensor.wgsl, `fn element_at(j) -> f32`) for formats whose side info is per group of
// the tensor (nf4_dq's absmax2, mwq's scales) or whose layout is not blocks at all (mwq's bit planes).
// Invocation i writes dst[4i .. 4i+3] (stopping at params.n, so blocks of 1, 2 or any number of elements
// work). Bindings: KERNEL-ABI.md ("WGSL decode kernels").

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

// The element count of the tensor `src` holds, which a tensor include's layout depends on.
fn tensor_elements() -> u32 {
  return params.n;
}

// The run-time value element includes pass to mul_rounded (the host passes 0).
fn rounding_guard() -> u32 {
  return params._pad;
}

// `fn element_at(j: u32) -> f32` (element j of the tensor) comes before this file: element-at.wgsl for an
// element include (block j / BLOCK_ELEMENTS after HEADER_BYTES), or the format's own tensor include
// (<format>.tensor.wgsl) where side info is not per block and the layout depends on params.n.

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  let j = i * 4u;
  if (j >= params.n) {
    return;
  }
  if (j + 4u <= params.n) {
    // all four values before any store: the calls inline into straight-line code whose block-header reads
    // (scale, offsets…) are the same loads, which the compiler can then share instead of repeating
    let v = vec4<f32>(element_at(j), element_at(j + 1u), element_at(j + 2u), element_at(j + 3u));
    dst[j] = v.x;
    dst[j + 1u] = v.y;
    dst[j + 2u] = v.z;
    dst[j + 3u] = v.w;
    return;
  }
  for (var k = j; k < params.n; k++) {
    dst[k] = element_at(k);
  }
}
