/**
 * Decode of block floating point (Vitis AI / Microsoft MSFP): a shared exponent byte E per block and
 * sign-magnitude integer codes ±k with mbits magnitude bits: y = ±k · 2^(E − 127 − mbits + 1), one float32
 * multiply of the code's value (generated element table) by the block scale — exact, like the reference
 * (|k| < 2^mbits, and the scale, as small as 2^−133, is a float32 subnormal). E = 0xFF marks a NaN block.
 * mbits is the element width minus the sign bit (ELEMENT_BITS − 1).
 *
 * Memory map of `<id>_decode(src, n, dst)`: src n/BLOCK_ELEMENTS blocks of BLOCK_BYTES (exponent byte at
 * EXPONENT_OFFSET, codes packed LSB first at ELEMENTS_OFFSET), dst n float32.
 * bfp12_ksort has no kernel: its channel permutation (side info first) would fit the ABI, but the stored
 * order is a permutation of whole 128-channel rows, so the conformance block counts (1, 2, 3, 7, 31, 33, 257
 * blocks of 32) never form a tensor its reference encodes and no case could check a kernel.
 */
import { decodeStream } from '../../../packages/runtime-wasm/assembly/stream';
import {
  BFP16_BLOCK_BYTES,
  BFP16_BLOCK_ELEMENTS,
  BFP16_ELEMENT_BITS,
  BFP16_ELEMENT_TABLE,
  BFP16_ELEMENTS_OFFSET,
  BFP16_EXPONENT_OFFSET,
  MSFP12_BLOCK_BYTES,
  MSFP12_BLOCK_ELEMENTS,
  MSFP12_ELEMENT_BITS,
  MSFP12_ELEMENT_TABLE,
  MSFP12_ELEMENTS_OFFSET,
  MSFP12_EXPONENT_OFFSET,
  MSFP16_BLOCK_BYTES,
  MSFP16_BLOCK_ELEMENTS,
  MSFP16_ELEMENT_BITS,
  MSFP16_ELEMENT_TABLE,
  MSFP16_ELEMENTS_OFFSET,
  MSFP16_EXPONENT_OFFSET,
} from './generated/constants';

/** 2^(e − 127 − mbits + 1) from bits (a subnormal below 2^−126), NaN for the 0xFF exponent byte. */
@inline function blockScale(e: i32, mbits: i32): f32 {
  if (e == 255) return NaN;
  const expo = e - 126 - mbits;
  return reinterpret<f32>(expo >= -126 ? <u32>(expo + 127) << 23 : <u32>1 << (expo + 149));
}

@inline function decodeBfp(src: usize, n: i32, dst: usize, table: usize, bits: i32, blockElements: i32, blockBytes: i32, expOffset: i32, elemOffset: i32): void {
  const blocks = n / blockElements;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * blockBytes;
    const scale = blockScale(<i32>load<u8>(block + expOffset), bits - 1);
    decodeStream(block + elemOffset, blockElements, dst + ((<usize>b * blockElements) << 2), table, bits, scale);
  }
}

export function bfp16_decode(src: usize, n: i32, dst: usize): void {
  decodeBfp(src, n, dst, BFP16_ELEMENT_TABLE, BFP16_ELEMENT_BITS, BFP16_BLOCK_ELEMENTS, BFP16_BLOCK_BYTES, BFP16_EXPONENT_OFFSET, BFP16_ELEMENTS_OFFSET);
}
export function msfp16_decode(src: usize, n: i32, dst: usize): void {
  decodeBfp(src, n, dst, MSFP16_ELEMENT_TABLE, MSFP16_ELEMENT_BITS, MSFP16_BLOCK_ELEMENTS, MSFP16_BLOCK_BYTES, MSFP16_EXPONENT_OFFSET, MSFP16_ELEMENTS_OFFSET);
}
export function msfp12_decode(src: usize, n: i32, dst: usize): void {
  decodeBfp(src, n, dst, MSFP12_ELEMENT_TABLE, MSFP12_ELEMENT_BITS, MSFP12_BLOCK_ELEMENTS, MSFP12_BLOCK_BYTES, MSFP12_EXPONENT_OFFSET, MSFP12_ELEMENTS_OFFSET);
}
