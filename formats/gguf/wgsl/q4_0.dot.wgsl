// q4_0 · q8_0 matrix-vector product (ggml_vec_dot_q4_0_q8_0 per row): one workgroup per row, threads
// over blocks, per block the exact integer dot of (code − 8) with the q8_0 codes and the float32
// contribution (sumi·dx)·dy in the reference's operand order; the workgroup sums the contributions (tree
// order: within the spec's dot tolerance). Element j (0..15) is the low nibble of byte j, j + 16 the high.
// Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    for (var b = lid; b < params.blocks_per_row; b += WORKGROUP_SIZE) {
      let xb = (row * params.blocks_per_row + b) * Q4_0_BLOCK_BYTES;
      let yb = b * Q8_0_BLOCK_BYTES;
      var sumi = 0i;
      for (var k = 0u; k < 16u; k += 4u) {
        let packed = read_u32(xb + Q4_0_QS_OFFSET + k);
        let ylo = y_u32(yb + Q8_0_QS_OFFSET + k);
        let yhi = y_u32(yb + Q8_0_QS_OFFSET + 16u + k);
        for (var t = 0u; t < 4u; t++) {
          let byte = (packed >> (8u * t)) & 0xffu;
          sumi += (i32(byte & 0xfu) - 8) * sext8(ylo >> (8u * t));
          sumi += (i32(byte >> 4u) - 8) * sext8(yhi >> (8u * t));
        }
      }
      let dx = f16_to_f32(read_u16(xb + Q4_0_D_OFFSET));
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
