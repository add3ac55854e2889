// Matrix-vector product for affine formats whose partner type is q8_1 (q4_1, q5_1), as ggml computes it:
// per 32-element block, Σ_k (d·code_k)·y_k + m·s, where s is q8_1's fp16 s = fp16(d_y·Σq) — the min term
// comes from s, not from the decoded activations (the spec's tolerance.dot describes the difference).
// The element include provides `fn element_scaled(base, e) -> f32` (d·code, the decode without its offset)
// and `fn block_min(base) -> f32` (m), next to the `decode_element` the generic decode uses. One workgroup
// per row, threads over blocks, tree-order workgroup sum. Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

// mul_rounded's run-time guard: n is never 0xffffffff, so the guard never fires.
fn rounding_guard() -> u32 {
  return params.n;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    for (var b = lid; b < params.blocks_per_row; b += WORKGROUP_SIZE) {
      let xb = HEADER_BYTES + (row * params.blocks_per_row + b) * BLOCK_BYTES;
      var s = 0.0f;
      for (var e = 0u; e < BLOCK_ELEMENTS; e++) {
        s += element_scaled(xb, e) * y_element(b * BLOCK_ELEMENTS + e);
      }
      let sy = f16_to_f32(y_u16(b * Q8_1_BLOCK_BYTES + Q8_1_S_OFFSET));
      acc += s + block_min(xb) * sy;
    }
  }
  partial[lid] = acc;
  reduce_partial(lid);
  if (lid == 0u && row < params.rows) {
    dst[row] = partial[0];
  }
}
