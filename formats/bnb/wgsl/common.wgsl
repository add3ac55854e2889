// Helpers of the bnb family, prepended to every bnb shader (external kernels included, so nothing here calls
// an entry point's functions: the tensor includes pass what they need).

// The dynamic map of double-quantized absmax codes (nf4_dq's table; fp4_dq's spec params.dynamicMapTable
// names the same one), as a private variable, copied once per invocation for run-time indexing.
var<private> bnb_dq_map_p = NF4_DQ_DYNAMIC_MAP;

struct DqBlock {
  // first byte of the block's {absmaxCode u8, code bytes}
  base: u32,
  absmax: f32,
}

// The block holding element j of a double-quantized tensor of `total` elements, laid out as the codec stores
// it: the f32 offset at `offset_at`, one f32 absmax2 per `absmax2_per` elements after it, then the blocks.
// Its absmax is rebuilt as the reference does, fl(fl(dynamicMap[absmaxCode]·absmax2[g]) + offset):
// mul_rounded keeps the first rounding that a fused multiply-add would skip (`guard`: the entry point's
// rounding_guard()).
fn dq_block(
  j: u32,
  total: u32,
  block_elements: u32,
  block_bytes: u32,
  absmax2_per: u32,
  offset_at: u32,
  code_offset: u32,
  guard: u32,
) -> DqBlock {
  let absmax2_at = offset_at + 4u;
  let groups = (total + absmax2_per - 1u) / absmax2_per;
  let base = absmax2_at + 4u * groups + (j / block_elements) * block_bytes;
  let offset = bitcast<f32>(read_u32(offset_at));
  let absmax2 = bitcast<f32>(read_u32(absmax2_at + 4u * (j / absmax2_per)));
  let absmax = mul_rounded(bnb_dq_map_p[read_u8(base + code_offset)], absmax2, guard) + offset;
  return DqBlock(base, absmax);
}
