// q8_0 · q8_0 matrix-vector product (ggml_vec_dot_q8_0_q8_0 per row): one workgroup per row; each thread
// takes blocks lid, lid + WORKGROUP_SIZE, …, computes the block's exact integer dot and its float32
// contribution (sumi·dx)·dy in the reference's operand order, and the workgroup sums the contributions
// (tree order, so within the spec's dot tolerance rather than bit-exact).
// Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    for (var b = lid; b < params.blocks_per_row; b += WORKGROUP_SIZE) {
      let xb = (row * params.blocks_per_row + b) * Q8_0_BLOCK_BYTES;
      let yb = b * Q8_0_BLOCK_BYTES;
      var sumi = 0i;
      for (var k = 0u; k < 32u; k += 4u) {
        sumi += dot4_i8(read_u32(xb + Q8_0_QS_OFFSET + k), y_u32(yb + Q8_0_QS_OFFSET + k));
      }
      let dx = f16_to_f32(read_u16(xb + Q8_0_D_OFFSET));
      let dy = f16_to_f32(y_u16(yb + Q8_0_D_OFFSET));
      acc += (f32(sumi) * dx) * dy;
    }
  }
  partial[lid] = acc;
  reduce_partial(lid);
  if (lid == 0u && row < params.rows) {
    dst[row] = partial[0];
  }
}
