// bfp12_ksort tensor include (generic decode): BFP12 blocks of rows whose channels were reordered once per
// tensor. The stream, as the codec stores it: the permutation (PARAM_CHANNELS entries of ⌈log2 channels⌉
// bits, LSB first; entry s = the source channel stored at position s), then the blocks of the permuted
// rows. Output channel t of a row is stored at the position s with perm[s] = t, found by a scan of the
// permutation (no inverse is stored). A block decodes as bfp16's does: y = element_table[code]·2^(E − 127 −
// mbits + 1), one exact f32 multiply (mbits = ELEMENT_BITS − 1); exponent byte 0xFF marks a NaN block.

// the table as a private variable, copied once per invocation (not once per element) for run-time indexing
var<private> bfp12_ksort_element_table_p = BFP12_KSORT_ELEMENT_TABLE;

fn bfp12_ksort_block_scale(e: u32) -> f32 {
  if (e == 255u) {
    // built from e so that it is not a constant expression (a NaN constant does not compile)
    return bitcast<f32>(0x7fc00000u | (e & 0u));
  }
  let expo = i32(e) - 126 - i32(BFP12_KSORT_ELEMENT_BITS - 1u);
  return bitcast<f32>(select(1u << u32(expo + 149), u32(expo + 127) << 23u, expo >= -126));
}

fn element_at(j: u32) -> f32 {
  let c = BFP12_KSORT_PARAM_CHANNELS;
  // entry width ⌈log2 c⌉ (ksort.ts permutationEntryBits), header bytes ⌈c·width/8⌉ (permutationBytes)
  let width = max(1u, firstLeadingBit(c - 1u) + 1u);
  let header = BFP12_KSORT_PERMUTATION_HEADER_OFFSET + (c * width + 7u) / 8u;
  let channel = j % c;
  var s = 0u;
  for (var q = 0u; q < c; q++) {
    let bit = q * width;
    let entry = (read_u32(BFP12_KSORT_PERMUTATION_HEADER_OFFSET + (bit >> 3u)) >> (bit & 7u)) & ((1u << width) - 1u);
    if (entry == channel) {
      s = q;
    }
  }
  let stored = j - channel + s;
  let base = header + (stored / BFP12_KSORT_BLOCK_ELEMENTS) * BFP12_KSORT_BLOCK_BYTES;
  let e = stored % BFP12_KSORT_BLOCK_ELEMENTS;
  let scale = bfp12_ksort_block_scale(read_u8(base + BFP12_KSORT_EXPONENT_OFFSET));
  return bitcast<f32>(bfp12_ksort_element_table_p[read_code(base + BFP12_KSORT_ELEMENTS_OFFSET, e, BFP12_KSORT_ELEMENT_BITS)]) * scale;
}
