/**
 * Decode of block floating point (Vitis AI / Microsoft MSFP): a shared exponent byte E per block and
 * sign-magnitude integer codes ±k with mbits magnitude bits: y = ±k · 2^(E − 127 − mbits + 1), one float32
 * multiply of the code's value (generated element table) by the block scale — exact, like the reference
 * (|k| < 2^mbits, and the scale, as small as 2^−133, is a float32 subnormal). E = 0xFF marks a NaN block.
 * mbits is the element width minus the sign bit (ELEMENT_BITS − 1).
 *
 * Memory map of `<id>_decode(src, n, dst)`: src n/BLOCK_ELEMENTS blocks of BLOCK_BYTES (exponent byte at
 * EXPONENT_OFFSET, codes packed LSB first at ELEMENTS_OFFSET), dst n float32. Those formats' `<id>_decode` and
 * `<id>_dot` (each row through the decode, summed in float64: the sources define no vec_dot) are generated
 * from their specs (wasm/generated/entries.ts); this file keeps the kernel they call.
 *
 * K-sorted BFP (bfp12_ksort, formats/bfp/src/ksort.ts): src starts with the channel permutation, CHANNELS
 * entries of ⌈log2 CHANNELS⌉ bits, LSB first (PERMUTATION_HEADER_OFFSET), then the blocks of rows of CHANNELS
 * values in stored order; each row is decoded into scratch and scattered back, y[perm[j]] = row[j]. A
 * permutation that is not a bijection, or n that is not whole rows, traps: the reference rejects both
 * (bfp.permutation, codec.length), and the host reports the trap as a QbenchError.
 */
import { decodeStream } from '../../../packages/runtime-wasm/assembly/stream';
import {
  BFP12_KSORT_BLOCK_BYTES,
  BFP12_KSORT_BLOCK_ELEMENTS,
  BFP12_KSORT_ELEMENTS_OFFSET,
  BFP12_KSORT_ELEMENT_BITS,
  BFP12_KSORT_ELEMENT_TABLE,
  BFP12_KSORT_EXPONENT_OFFSET,
  BFP12_KSORT_PARAM_CHANNELS,
  BFP12_KSORT_PERMUTATION_HEADER_OFFSET,
} from './generated/constants';

/** 2^(e − 127 − mbits + 1) from bits (a subnormal below 2^−126), NaN for the 0xFF exponent byte. */
@inline function blockScale(e: i32, mbits: i32): f32 {
  if (e == 255) return NaN;
  const expo = e - 126 - mbits;
  return reinterpret<f32>(expo >= -126 ? <u32>(expo + 127) << 23 : <u32>1 << (expo + 149));
}

/** The block decode every plain BFP spec's generated `<id>_decode` calls (wasm/generated/entries.ts). */
@inline export function decodeBfp(src: usize, n: i32, dst: usize, table: usize, bits: i32, blockElements: i32, blockBytes: i32, expOffset: i32, elemOffset: i32): void {
  const blocks = n / blockElements;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * blockBytes;
    const scale = blockScale(<i32>load<u8>(block + expOffset), bits - 1);
    decodeStream(block + elemOffset, blockElements, dst + ((<usize>b * blockElements) << 2), table, bits, scale);
  }
}

/** Bits per permutation entry: ⌈log2 channels⌉, at least 1 (ksort.ts permutationEntryBits). */
const KSORT_ENTRY_BITS = BFP12_KSORT_PARAM_CHANNELS > 1 ? 32 - clz<i32>(BFP12_KSORT_PARAM_CHANNELS - 1) : 1;
const KSORT_PERM_BYTES = (BFP12_KSORT_PARAM_CHANNELS * KSORT_ENTRY_BITS + 7) >> 3;
/** Scratch: the permutation (one u32 per entry, pre-scaled to a byte offset), a seen mark per channel, one row. */
const KSORT_PERM: usize = memory.data(BFP12_KSORT_PARAM_CHANNELS * 4, 16);
const KSORT_SEEN: usize = memory.data(BFP12_KSORT_PARAM_CHANNELS, 16);
const KSORT_ROW: usize = memory.data(BFP12_KSORT_PARAM_CHANNELS * 4, 16);

export function bfp12_ksort_decode(src: usize, n: i32, dst: usize): void {
  const channels = BFP12_KSORT_PARAM_CHANNELS;
  if (channels % BFP12_KSORT_BLOCK_ELEMENTS != 0 || KSORT_ENTRY_BITS > 24) ERROR('bfp12_ksort: rows are whole blocks; entries are read 32 bits at a time');
  if (n % channels != 0) unreachable(); // not whole rows: the reference rejects the length
  const perm = src + BFP12_KSORT_PERMUTATION_HEADER_OFFSET;
  memory.fill(KSORT_SEEN, 0, channels);
  for (let j = 0; j < channels; j++) {
    // the entry's ≤ 24 bits lie within 4 bytes from its first byte, read byte by byte (never past the header)
    const bit = j * KSORT_ENTRY_BITS;
    let w: u32 = 0;
    for (let k = 0; (k << 3) < (bit & 7) + KSORT_ENTRY_BITS; k++) w |= <u32>load<u8>(perm + (bit >> 3) + k) << (k << 3);
    const p = (w >> (bit & 7)) & ((1 << KSORT_ENTRY_BITS) - 1);
    // not a bijection of 0..channels−1: the reference throws (bfp.permutation)
    if (p >= <u32>channels || load<u8>(KSORT_SEEN + p) != 0) unreachable();
    store<u8>(KSORT_SEEN + p, 1);
    store<u32>(KSORT_PERM + (<usize>j << 2), p << 2);
  }
  const first = perm + KSORT_PERM_BYTES;
  const blocksPerRow = channels / BFP12_KSORT_BLOCK_ELEMENTS;
  const rows = n / channels;
  for (let r = 0; r < rows; r++) {
    decodeBfp(first + <usize>r * blocksPerRow * BFP12_KSORT_BLOCK_BYTES, channels, KSORT_ROW, BFP12_KSORT_ELEMENT_TABLE, BFP12_KSORT_ELEMENT_BITS, BFP12_KSORT_BLOCK_ELEMENTS, BFP12_KSORT_BLOCK_BYTES, BFP12_KSORT_EXPONENT_OFFSET, BFP12_KSORT_ELEMENTS_OFFSET);
    const out = dst + ((<usize>r * channels) << 2);
    for (let j = 0; j < channels; j++) store<f32>(out + load<u32>(KSORT_PERM + (<usize>j << 2)), load<f32>(KSORT_ROW + (<usize>j << 2)));
  }
}
