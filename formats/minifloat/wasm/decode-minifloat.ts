/**
 * Decode of minifloat-coded formats, one kernel per encoding kind, driven by the generated element tables
 * (every code's float32 value, derived from the spec's ExMy parameters by codegen):
 *   plain element streams (e4m3fn, e5m2, e2m1, e2m3, …): y = table[code]
 *   OCP MX blocks (mxfp8_*, mxfp6_*, mxfp4_e2m1, mxint8):  y = 2^(s − 127) · table[code], one float32
 *     multiply per element (bit-exact with the reference: X is a power of two, X·P is rounded once); a scale
 *     byte 0xFF makes the whole block NaN.
 *   NVFP4 (16-element blocks, E4M3 block scale s, float32 tensor scale t before the first block):
 *     y = E2M1[code] · fl(t · E4M3[s]), two float32 multiplies in the reference's order.
 * Codes are packed least-significant bit first: 8-bit codes one per byte, 4-bit codes element 2i in the low
 * nibble of byte i, 6-bit codes four per three bytes (code j in stream bits [6j, 6j + 6)).
 *
 * Memory map of `<id>_decode(src, n, dst)`: plain formats: the n codes as one packed stream at src;
 * MX: n/32 blocks of BLOCK_BYTES (scale byte at SCALE_OFFSET, 32 codes at ELEMENTS_OFFSET); NVFP4: the
 * float32 tensor scale, then n/16 blocks; dst n float32.
 * The table-driven stream decode itself is shared (packages/runtime-wasm/assembly/stream.ts). The plain and MX
 * formats' `<id>_decode` entry points are generated (wasm/generated/entries.ts, from each spec's scale kind);
 * this file keeps the MX kernel they call and the formats with a decode of their own (NVFP4, LLM-FP4).
 */
import { decodeStream } from '../../../packages/runtime-wasm/assembly/stream';
import {
  E4M3FN_ELEMENT_TABLE,
  LLMFP4_ELEMENT_BITS,
  LLMFP4_SCALE_HEADER_OFFSET,
  LLMFP4_SPLIT_HEADER_OFFSET,
  LLMFP4_SPLIT_TABLES,
  NVFP4_TORCHAO_BLOCK_BYTES,
  NVFP4_TORCHAO_BLOCK_ELEMENTS,
  NVFP4_TORCHAO_ELEMENTS_OFFSET,
  NVFP4_TORCHAO_ELEMENT_BITS,
  NVFP4_TORCHAO_ELEMENT_TABLE,
  NVFP4_TORCHAO_SCALE_OFFSET,
  NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET,
} from './generated/constants';

/** OCP MX: E8M0 scale byte s → 2^(s−127) (s = 0 is the subnormal 2^−127), 0xFF → NaN. */
@inline function e8m0Scale(s: u32): f32 {
  return s == 255 ? NaN : reinterpret<f32>(s == 0 ? <u32>0x00400000 : s << 23);
}

/** The OCP MX decode every e8m0-floor spec's generated `<id>_decode` calls (wasm/generated/entries.ts). */
@inline export function decodeMx(src: usize, n: i32, dst: usize, table: usize, bits: i32, blockElements: i32, blockBytes: i32, scaleOffset: i32, elementsOffset: i32): void {
  const blocks = n / blockElements;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * blockBytes;
    // NaN·anything is NaN: a 0xFF scale turns the whole block to NaN through the same multiply
    const x = e8m0Scale(<u32>load<u8>(block + scaleOffset));
    decodeStream(block + elementsOffset, blockElements, dst + ((<usize>b * blockElements) << 2), table, bits, x);
  }
}

/**
 * n elements of NVFP4 blocks at `first` under tensor scale t: what the decode does after reading t, and
 * what the dot does per row (the rows of a matrix share the one tensor scale before them).
 */
@inline export function nvfp4Blocks(t: f32, first: usize, n: i32, dst: usize): void {
  const blocks = n / NVFP4_TORCHAO_BLOCK_ELEMENTS;
  for (let b = 0; b < blocks; b++) {
    const block = first + <usize>b * NVFP4_TORCHAO_BLOCK_BYTES;
    const total = t * load<f32>(E4M3FN_ELEMENT_TABLE + (<usize>load<u8>(block + NVFP4_TORCHAO_SCALE_OFFSET) << 2));
    decodeStream(block + NVFP4_TORCHAO_ELEMENTS_OFFSET, NVFP4_TORCHAO_BLOCK_ELEMENTS, dst + ((<usize>b * NVFP4_TORCHAO_BLOCK_ELEMENTS) << 2), NVFP4_TORCHAO_ELEMENT_TABLE, NVFP4_TORCHAO_ELEMENT_BITS, total);
  }
}

/**
 * LLM-FP4: the tensor header holds the float32 scale s and the index j of the searched split; code c of
 * every element decodes to fl(T_j[c]·s), table j of the generated split tables (one multiply, as the
 * reference). `first` is the first code byte: the decode's src + header, a dot's row.
 */
@inline export function llmfp4Codes(header: usize, first: usize, n: i32, dst: usize): void {
  const s = load<f32>(header + LLMFP4_SCALE_HEADER_OFFSET);
  const j = <usize>load<u8>(header + LLMFP4_SPLIT_HEADER_OFFSET);
  decodeStream(first, n, dst, LLMFP4_SPLIT_TABLES + (j << (<usize>LLMFP4_ELEMENT_BITS + 2)), LLMFP4_ELEMENT_BITS, s);
}

/** Bytes of the llmfp4 header (scale, then the split byte, the last per-tensor side info). */
export const LLMFP4_HEADER_BYTES: usize = <usize>LLMFP4_SPLIT_HEADER_OFFSET + sizeof<u8>();

export function llmfp4_decode(src: usize, n: i32, dst: usize): void {
  llmfp4Codes(src, src + LLMFP4_HEADER_BYTES, n, dst);
}

export function nvfp4_torchao_decode(src: usize, n: i32, dst: usize): void {
  // the per-tensor scale precedes the first block
  nvfp4Blocks(load<f32>(src + NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET), src + NVFP4_TORCHAO_TENSOR_SCALE_HEADER_OFFSET + sizeof<f32>(), n, dst);
}
