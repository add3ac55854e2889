// bfp12_ksort decode: BFP12 blocks of rows whose channels were reordered once per tensor. The stream, as the
// codec stores it (formats/bfp/src/ksort.ts): the permutation (PARAM_CHANNELS entries of ⌈log2 channels⌉
// bits, LSB first; entry s = the source channel stored at position s), then the blocks of the permuted rows.
// The permutation maps stored positions to output channels, not the other way (no inverse is stored), so
// the work goes in stored order: invocation i decodes stored elements 4i .. 4i+3 of its row and writes
// each to its output channel, one permutation entry per element (a gather in output order would have to
// search the permutation for every element). Every output is written once, by whichever invocation holds
// it; an entry ≥ channels (a permutation the reference rejects) writes nothing, so nothing lands outside
// the row. A block decodes as bfp16's does: y = element_table[code]·2^(E − 127 − mbits + 1), one exact f32
// multiply (mbits = ELEMENT_BITS − 1); exponent byte 0xFF marks a NaN block. Bindings: KERNEL-ABI.md.

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

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * params.threads_x;
  let c = BFP12_KSORT_PARAM_CHANNELS;
  // entry width ⌈log2 c⌉ (ksort.ts permutationEntryBits), header bytes ⌈c·width/8⌉ (permutationBytes)
  let width = max(1u, firstLeadingBit(c - 1u) + 1u);
  let header = BFP12_KSORT_PERMUTATION_HEADER_OFFSET + (c * width + 7u) / 8u;
  for (var r = 0u; r < 4u; r++) {
    let stored = i * 4u + r;
    if (stored >= params.n) {
      return;
    }
    let pos = stored % c;
    let bit = pos * width;
    let channel = (read_u32(BFP12_KSORT_PERMUTATION_HEADER_OFFSET + (bit >> 3u)) >> (bit & 7u)) & ((1u << width) - 1u);
    let out = stored - pos + channel;
    if (channel >= c || out >= params.n) {
      continue;
    }
    let base = header + (stored / BFP12_KSORT_BLOCK_ELEMENTS) * BFP12_KSORT_BLOCK_BYTES;
    let e = stored % BFP12_KSORT_BLOCK_ELEMENTS;
    let scale = bfp12_ksort_block_scale(read_u8(base + BFP12_KSORT_EXPONENT_OFFSET));
    dst[out] = bitcast<f32>(bfp12_ksort_element_table_p[read_code(base + BFP12_KSORT_ELEMENTS_OFFSET, e, BFP12_KSORT_ELEMENT_BITS)]) * scale;
  }
}
