// q4_k · q8_k matrix-vector product (ggml_vec_dot_q4_K_q8_K per row): one workgroup per row, threads over
// 256-element super-blocks. Per block: the exact integer Σ_j scale_j·Σ q8·code and Σ_g bsums_g·min_(g/2),
// then (d·dy)·aux − (dmin·dy)·sumi in float32. The reference keeps eight per-lane float sums; here lanes
// and blocks are summed in tree order, so the result is within the spec's dot tolerance, not bit-exact.
// q8_k block: f32 d at 0, 256 int8 codes at 4, 16 int16 group sums at 260 (292 bytes).
// Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

fn scale_min_k4(s: u32, j: u32) -> vec2<u32> {
  if (j < 4u) {
    return vec2<u32>(read_u8(s + j) & 63u, read_u8(s + j + 4u) & 63u);
  }
  let sc = (read_u8(s + j + 4u) & 0xfu) | ((read_u8(s + j - 4u) >> 6u) << 4u);
  let m = (read_u8(s + j + 4u) >> 4u) | ((read_u8(s + j) >> 6u) << 4u);
  return vec2<u32>(sc, m);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    for (var b = lid; b < params.blocks_per_row; b += WORKGROUP_SIZE) {
      let xb = (row * params.blocks_per_row + b) * Q4_K_BLOCK_BYTES;
      let yb = b * Q8_K_BLOCK_BYTES;
      var aux = 0i;
      var sumi = 0i;
      for (var j = 0u; j < 8u; j++) {
        let sm = scale_min_k4(xb + Q4_K_SCALES_OFFSET, j);
        // sub-block j: 32 codes, nibble (j & 1) of qs[32·(j/2) + l]
        let shift = 4u * (j & 1u);
        var s = 0i;
        for (var l = 0u; l < 32u; l += 4u) {
          let packed = read_u32(xb + Q4_K_QS_OFFSET + 32u * (j / 2u) + l);
          let ys = y_u32(yb + Q8_K_QS_OFFSET + 32u * j + l);
          for (var t = 0u; t < 4u; t++) {
            s += i32((packed >> (8u * t + shift)) & 0xfu) * sext8(ys >> (8u * t));
          }
        }
        aux += i32(sm.x) * s;
        let bs = y_u32(yb + Q8_K_BSUMS_OFFSET + 4u * j);
        let g0 = bitcast<i32>(bs << 16u) >> 16u;
        let g1 = bitcast<i32>(bs) >> 16u;
        sumi += (g0 + g1) * i32(sm.y);
      }
      let dy = bitcast<f32>(y_u32(yb + Q8_K_D_OFFSET));
      let d = f16_to_f32(read_u16(xb + Q4_K_D_OFFSET)) * dy;
      let dmin = f16_to_f32(read_u16(xb + Q4_K_DMIN_OFFSET)) * dy;
      acc += d * f32(aux) - dmin * f32(sumi);
    }
  }
  partial[lid] = acc;
  reduce_partial(lid);
  if (lid == 0u && row < params.rows) {
    dst[row] = partial[0];
  }
}
