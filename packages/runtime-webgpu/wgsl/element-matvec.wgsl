// Generic matrix-vector product (dequantize and multiply) for formats written as an element include
// (formats/<family>/wgsl/<format>.element.wgsl, `fn decode_element(base, e) -> f32`, the same function the
// generic decode uses): dst[row] = Σ_j decode(W[row])_j · y_j. One workgroup per row; thread t takes
// four elements at a time (4t .. 4t+3, then 4(t + WORKGROUP_SIZE) …) and sums float32 products, then the
// workgroup sums the partial sums in tree order. `y_element(j)` comes from the partner
// include (wgsl/partner-<type>.wgsl): the activation row as the host staged it — raw float32, or quantized
// to the format's spec params.vecDotType and decoded here element by element. The result is within the
// spec's tolerance.dot of the reference dot, not bit-exact (summation order).
// Bindings: KERNEL-ABI.md ("WGSL dot kernels").

// Params, bindings and WORKGROUP_SIZE: common-dot.wgsl (one layout for every dot kernel).

// mul_rounded's run-time guard: n is never 0xffffffff, so the guard never fires (a matvec is not
// bit-exact anyway; the guard only keeps the element include's code shared with the decode).
fn rounding_guard() -> u32 {
  return params.n;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * params.rows_x;
  var acc = 0.0f;
  if (row < params.rows) {
    // HEADER_BYTES: per-tensor side info (nvfp4's tensor scale, ifairy's scales) before the first row
    let row_base = HEADER_BYTES + row * params.blocks_per_row * BLOCK_BYTES;
    // thread t takes elements 4t .. 4t+3, then 4(t + WORKGROUP_SIZE) …: four decodes in straight-line code
    // (shared block-header reads), neighbouring threads on neighbouring bytes
    for (var j = lid * 4u; j < params.n; j += WORKGROUP_SIZE * 4u) {
      if (j + 4u <= params.n) {
        let w = vec4<f32>(
          decode_element(row_base + (j / BLOCK_ELEMENTS) * BLOCK_BYTES, j % BLOCK_ELEMENTS),
          decode_element(row_base + ((j + 1u) / BLOCK_ELEMENTS) * BLOCK_BYTES, (j + 1u) % BLOCK_ELEMENTS),
          decode_element(row_base + ((j + 2u) / BLOCK_ELEMENTS) * BLOCK_BYTES, (j + 2u) % BLOCK_ELEMENTS),
          decode_element(row_base + ((j + 3u) / BLOCK_ELEMENTS) * BLOCK_BYTES, (j + 3u) % BLOCK_ELEMENTS),
        );
        let y = vec4<f32>(y_element(j), y_element(j + 1u), y_element(j + 2u), y_element(j + 3u));
        acc += dot(w, y);
      } else {
        for (var k = j; k < params.n; k++) {
          acc += decode_element(row_base + (k / BLOCK_ELEMENTS) * BLOCK_BYTES, k % BLOCK_ELEMENTS) * y_element(k);
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
