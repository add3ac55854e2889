/**
 * Table-driven decode of a packed code stream, shared by the minifloat-coded families (minifloat, MX, NVFP4,
 * block floating point): y = table[code]·scale, one float32 multiply per element, with `table` the float32
 * value of every code (a generated constant) and `scale` the block's scale (1 for plain element streams).
 * Codes are packed least-significant bit first: 8-bit codes one per byte, 4-bit codes element 2i in the low
 * nibble of byte i, 6-bit codes four per three bytes (code j in stream bits [6j, 6j + 6)).
 * The SIMD loops take 32 or 16 (4-bit) or 4 (8-, 6-bit) elements at a time; remaining elements go through
 * elementAt(), the scalar per-element definition the loops reproduce.
 */
import { lutPlane, storeLut16Scaled } from './simd';

/** Code i of an LSB-first packed stream of `bits`-bit codes. */
@inline function codeAt(src: usize, i: i32, bits: i32): u32 {
  if (bits == 8) return <u32>load<u8>(src + i);
  if (bits == 4) return (<u32>load<u8>(src + (i >> 1)) >> ((i & 1) << 2)) & 15;
  // 6-bit: the code straddles at most two bytes
  const bit = i * 6;
  const w = <u32>load<u8>(src + (bit >> 3)) | (<u32>load<u8>(src + (bit >> 3) + 1) << 8);
  return (w >> (bit & 7)) & 63;
}

/** The scalar definition every SIMD loop below reproduces: table[code]·scale. */
@inline export function elementAt(src: usize, i: i32, bits: i32, table: usize, scale: f32): f32 {
  return load<f32>(table + (<usize>codeAt(src, i, bits) << 2)) * scale;
}

@inline function gather4(table: usize, c0: u32, c1: u32, c2: u32, c3: u32): v128 {
  let v = f32x4.splat(load<f32>(table + (<usize>c0 << 2)));
  v = f32x4.replace_lane(v, 1, load<f32>(table + (<usize>c1 << 2)));
  v = f32x4.replace_lane(v, 2, load<f32>(table + (<usize>c2 << 2)));
  return f32x4.replace_lane(v, 3, load<f32>(table + (<usize>c3 << 2)));
}

/** `count` codes of the stream at src → dst, each table[code]·scale. */
@inline export function decodeStream(src: usize, count: i32, dst: usize, table: usize, bits: i32, scale: f32): void {
  const vs = f32x4.splat(scale);
  let i = 0;
  if (bits == 4) {
    const p0 = lutPlane(table, 0);
    const p1 = lutPlane(table, 1);
    const p2 = lutPlane(table, 2);
    const p3 = lutPlane(table, 3);
    const mask = i8x16.splat(15);
    for (; i + 32 <= count; i += 32) {
      const v = v128.load(src + (i >> 1));
      const lo = v128.and(v, mask);
      const hi = i8x16.shr_u(v, 4);
      const out = dst + (<usize>i << 2);
      storeLut16Scaled(i8x16.shuffle(lo, hi, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), p0, p1, p2, p3, vs, out);
      storeLut16Scaled(i8x16.shuffle(lo, hi, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), p0, p1, p2, p3, vs, out + 64);
    }
    for (; i + 16 <= count; i += 16) {
      const v = v128.load64_zero(src + (i >> 1));
      const codes = i8x16.shuffle(v128.and(v, mask), i8x16.shr_u(v, 4), 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
      storeLut16Scaled(codes, p0, p1, p2, p3, vs, dst + (<usize>i << 2));
    }
  } else if (bits == 8) {
    for (; i + 4 <= count; i += 4) {
      const w = load<u32>(src + i);
      v128.store(dst + (<usize>i << 2), f32x4.mul(gather4(table, w & 255, (w >> 8) & 255, (w >> 16) & 255, w >> 24), vs));
    }
  } else {
    for (; i + 4 <= count; i += 4) {
      const b = src + ((i * 6) >> 3);
      const w = <u32>load<u8>(b) | (<u32>load<u8>(b + 1) << 8) | (<u32>load<u8>(b + 2) << 16);
      v128.store(dst + (<usize>i << 2), f32x4.mul(gather4(table, w & 63, (w >> 6) & 63, (w >> 12) & 63, w >> 18), vs));
    }
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), elementAt(src, i, bits, table, scale));
}

