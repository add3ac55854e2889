/**
 * Dense little-endian bit packing of fixed-width codes (1–16 bits), least-significant bit first: code j
 * occupies stream bits [j·w, (j+1)·w) and bit i of the stream is bit (i mod 8) of byte ⌊i/8⌋. This is the
 * ONNX FLOAT4E2M1/INT4 order (float4.md: `pack(x, y) = y << 4 | x & 0x0F`, first element in the low nibble)
 * extended to any width. Worked example, width 6, codes [0x3F, 0x01, 0x00, 0x2A]:
 *   stream bits (LSB first) 111111 100000 000000 010101 → bytes 0x7F 0x00 0xA8.
 * The tail of the last byte is zero.
 */
import { QbenchError } from '@qbench/core';

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > 16) {
    throw new QbenchError('pack.width', `code width must be an integer in 1..16, got ${width}`);
  }
}

export function packedBytes(count: number, width: number): number {
  return Math.ceil((count * width) / 8);
}

/** Pack `codes` (each < 2^width) into `out` starting at byte `offset`; returns `out`. */
export function packCodes(
  codes: ArrayLike<number>,
  width: number,
  out: Uint8Array = new Uint8Array(packedBytes(codes.length, width)),
  offset = 0,
): Uint8Array {
  checkWidth(width);
  const need = packedBytes(codes.length, width);
  if (offset + need > out.length) {
    throw new QbenchError(
      'pack.overflow',
      `${codes.length} codes of ${width} bits need ${need} bytes at ${offset}, buffer has ${out.length}`,
    );
  }
  if (width === 8) {
    for (let i = 0; i < codes.length; i++) out[offset + i] = codes[i]!;
    return out;
  }
  const limit = 1 << width;
  let acc = 0; // pending bits, LSB = next stream bit
  let nacc = 0;
  let o = offset;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i]!;
    if (!(c >= 0 && c < limit && Number.isInteger(c))) {
      throw new QbenchError('pack.value', `code ${i} is ${c}, which does not fit in ${width} bits`);
    }
    acc |= c << nacc;
    nacc += width;
    while (nacc >= 8) {
      out[o++] = acc & 0xff;
      acc >>>= 8;
      nacc -= 8;
    }
  }
  if (nacc > 0) out[o] = acc & 0xff;
  return out;
}

/** Inverse of packCodes: `count` codes of `width` bits from `bytes` starting at byte `offset`. */
export function unpackCodes(bytes: Uint8Array, width: number, count: number, offset = 0): Uint16Array {
  checkWidth(width);
  const need = packedBytes(count, width);
  if (offset + need > bytes.length) {
    throw new QbenchError(
      'unpack.underflow',
      `${count} codes of ${width} bits need ${need} bytes at ${offset}, buffer has ${bytes.length}`,
    );
  }
  const out = new Uint16Array(count);
  const mask = (1 << width) - 1;
  let acc = 0;
  let nacc = 0;
  let o = offset;
  for (let i = 0; i < count; i++) {
    while (nacc < width) {
      acc |= bytes[o++]! << nacc;
      nacc += 8;
    }
    out[i] = acc & mask;
    acc >>>= width;
    nacc -= width;
  }
  return out;
}
