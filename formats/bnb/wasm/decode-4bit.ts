/**
 * Decode of bitsandbytes' 4-bit formats (NF4, FP4) with a float32 absmax per block: one kernel for the
 * encoding kind "16-entry float32 codebook × block scale", driven by the generated layout and tables.
 * value = lut[code]·absmax, one float32 multiply (bit-exact with dequantize_4bit). The table lookup runs on
 * four byte planes of the table with i8x16.swizzle (simd.ts storeLut16Scaled), 16 lanes at a time.
 *
 * Memory map of `<id>_decode(src, n, dst)`:
 *   src: n/BLOCK_ELEMENTS blocks of BLOCK_BYTES: f32 absmax at ABSMAX_OFFSET, codes at QS_OFFSET
 *   dst: n float32
 * Packing (bitsandbytes): element 2i is the HIGH nibble of code byte i, element 2i+1 the LOW nibble.
 * Double-quantized variants (nf4_dq, fp4_dq) keep their absmax as side info: src = offset f32 | absmax2 f32
 * per group of ABSMAX2_PER elements | blocks {absmax code u8, codes}; each block's absmax is rebuilt as the
 * reference does, fl(fl(dynamicMap[code]·absmax2[group]) + offset), then decoded as above.
 * FP4's table is stored as 8 magnitudes; the sign is code bit 3 (code 8 is −0), so the signed 16-entry
 * table is built once from them (negation is exact, so ±mag·absmax = ±(mag·absmax) bit for bit).
 * The formats with a full 16-entry codebook (NF4 and its block-size and double-quantized variants) get their
 * `<id>_decode`/`<id>_dot` from codegen (wasm/generated/entries.ts), one call of the kernels here; FP4's are
 * written below.
 */
import { lutPlane, storeLut16Scaled } from '../../../packages/runtime-wasm/assembly/simd';
import {
  FP4_ABSMAX_OFFSET,
  FP4_BLOCK_BYTES,
  FP4_BLOCK_ELEMENTS,
  FP4_DQ_ABSMAX2_PER,
  FP4_DQ_ABSMAX_CODE_OFFSET,
  FP4_DQ_BLOCK_BYTES,
  FP4_DQ_BLOCK_ELEMENTS,
  FP4_DQ_OFFSET_HEADER_OFFSET,
  FP4_DQ_QS_OFFSET,
  FP4_LUT_MAGNITUDE,
  FP4_QS_OFFSET,
  NF4_DQ_DYNAMIC_MAP,
} from './generated/constants';

const FP4_SIGNED_LUT: usize = memory.data(64);
let fp4Ready = false;

export function fp4Lut(): usize {
  if (!fp4Ready) {
    for (let c = 0; c < 16; c++) {
      const mag = load<u32>(FP4_LUT_MAGNITUDE + ((<usize>c & 7) << 2));
      store<u32>(FP4_SIGNED_LUT + (<usize>c << 2), c >= 8 ? mag | 0x80000000 : mag);
    }
    fp4Ready = true;
  }
  return FP4_SIGNED_LUT;
}

/** One block's codes (high nibble first) through the 16-entry table planes, times `scale`. */
@inline function lut4Block(qs: usize, out: usize, p0: v128, p1: v128, p2: v128, p3: v128, scale: v128, blockElements: i32): void {
  const mask = i8x16.splat(0x0f);
  // 16 code bytes = 32 elements per step; high nibble first
  for (let k = 0; k < blockElements >> 5; k++) {
    const v = v128.load(qs + (k << 4));
    const hi = i8x16.shr_u(v, 4);
    const lo = v128.and(v, mask);
    const first = i8x16.shuffle(hi, lo, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const second = i8x16.shuffle(hi, lo, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    storeLut16Scaled(first, p0, p1, p2, p3, scale, out + (<usize>k << 7));
    storeLut16Scaled(second, p0, p1, p2, p3, scale, out + (<usize>k << 7) + 64);
  }
}

/** Decode every block of a {f32 absmax, codes} format with a 16-entry f32 table. */
@inline export function decodeLut4(src: usize, n: i32, dst: usize, table: usize, blockElements: i32, blockBytes: i32, absmaxOffset: i32, qsOffset: i32): void {
  const p0 = lutPlane(table, 0);
  const p1 = lutPlane(table, 1);
  const p2 = lutPlane(table, 2);
  const p3 = lutPlane(table, 3);
  const blocks = n / blockElements;
  for (let b = 0; b < blocks; b++) {
    const block = src + <usize>b * blockBytes;
    const scale = f32x4.splat(load<f32>(block + absmaxOffset));
    lut4Block(block + qsOffset, dst + ((<usize>b * blockElements) << 2), p0, p1, p2, p3, scale, blockElements);
  }
}

/**
 * Double-quantized: the header (offset, absmax2 per group), then {absmax code, codes} blocks. Decodes blocks
 * first .. first + count of a tensor of `total` elements (a dot decodes one row of its matrix at a time).
 */
@inline export function decodeLut4DqBlocks(src: usize, total: i32, first: i32, count: i32, dst: usize, table: usize, blockElements: i32, blockBytes: i32, codeOffset: i32, qsOffset: i32, groupElements: i32, headerOffset: i32): void {
  const p0 = lutPlane(table, 0);
  const p1 = lutPlane(table, 1);
  const p2 = lutPlane(table, 2);
  const p3 = lutPlane(table, 3);
  const blocks = total / blockElements;
  const groupBlocks = groupElements / blockElements;
  const groups = (blocks + groupBlocks - 1) / groupBlocks;
  const offset = load<f32>(src + headerOffset);
  const blocksAt = src + sizeof<f32>() + (<usize>groups << 2);
  for (let b = first; b < first + count; b++) {
    const block = blocksAt + <usize>b * blockBytes;
    const absmax2 = load<f32>(src + sizeof<f32>() + (<usize>(b / groupBlocks) << 2));
    const absmax = load<f32>(NF4_DQ_DYNAMIC_MAP + (<usize>load<u8>(block + codeOffset) << 2)) * absmax2 + offset;
    lut4Block(block + qsOffset, dst + ((<usize>(b - first) * blockElements) << 2), p0, p1, p2, p3, f32x4.splat(absmax), blockElements);
  }
}

/** fp4 with double-quantized absmax (the same dynamic map, spec params.dynamicMapTable = nf4_dq). */
export function fp4_dq_decode(src: usize, n: i32, dst: usize): void {
  decodeLut4DqBlocks(src, n, 0, n / FP4_DQ_BLOCK_ELEMENTS, dst, fp4Lut(), FP4_DQ_BLOCK_ELEMENTS, FP4_DQ_BLOCK_BYTES, FP4_DQ_ABSMAX_CODE_OFFSET, FP4_DQ_QS_OFFSET, FP4_DQ_ABSMAX2_PER, FP4_DQ_OFFSET_HEADER_OFFSET);
}

export function fp4_decode(src: usize, n: i32, dst: usize): void {
  decodeLut4(src, n, dst, fp4Lut(), FP4_BLOCK_ELEMENTS, FP4_BLOCK_BYTES, FP4_ABSMAX_OFFSET, FP4_QS_OFFSET);
}
