// Generic matrix-vector product (dequantize and multiply) over `fn element_at(j) -> f32`, the function the
// generic decode uses: from an element include through element-at.wgsl (block j / BLOCK_ELEMENTS after
// HEADER_BYTES), or a tensor include's own (formats whose side info is per group of the whole tensor:
// nf4_dq's absmax2, mwq's scales and bit planes). `src` is the rows × n matrix encoded as one tensor, as the
// reference encodes it, so row r is elements r·n .. r·n + n − 1 of that tensor (for block formats, blocks
// row·blocks_per_row … of the rows back to back) and tensor_elements() is rows·n. `y_element(j)` comes from
// the partner include (wgsl/partner-<type>.wgsl): the activation row as the host staged it — raw float32,
// or quantized to the format's spec params.vecDotType and decoded here. dst[row] = Σ_j W[row]_j · y_j:
// one workgroup per row, thread t takes elements 4t .. 4t+3, then 4(t + WORKGROUP_SIZE) …, float32 products
// summed per thread, then a tree sum over the workgroup. The result is within the spec's tolerance.dot of
// the reference dot, not bit-exact (summation order). Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

fn tensor_elements() -> u32 {
  return params.n * params.rows;
}

// mul_rounded's run-time guard: n is never 0xffffffff, so the guard never fires (it only keeps the include's
// code shared with the decode).
fn rounding_guard() -> u32 {
  return params.n;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    let first = row * params.n;
    for (var j = lid * 4u; j < params.n; j += WORKGROUP_SIZE * 4u) {
      if (j + 4u <= params.n) {
        // four decodes in straight-line code: their block-header reads are the same loads, shared
        let w = vec4<f32>(
          element_at(first + j),
          element_at(first + j + 1u),
          element_at(first + j + 2u),
          element_at(first + j + 3u),
        );
        acc += dot(w, vec4<f32>(y_element(j), y_element(j + 1u), y_element(j + 2u), y_element(j + 3u)));
      } else {
        for (var k = j; k < params.n; k++) {
          acc += element_at(first + k) * y_element(k);
        }
      }
    }
  }
  partial[lid] = acc;
  reduce_partial(lid);
  if (lid == 0u && row < params.rows) {
    dst[row] = partial[0];
  }
}
