/**
 * Bit-plane storage, most significant plane first: plane p (p = 0 … r−1) holds bit r−1−p of every code,
 * weight i at bit i mod 8 of byte ⌊i/8⌋ (LSB first). A loader that reads the first t planes has the top
 * t bits of every code: the truncation slice to t bits directly, and the round-half-up slice to t−1 bits.
 */
import { QbenchError } from '@qbench/core';

export function planeBytes(n: number): number {
  return Math.ceil(n / 8);
}

export function packPlanes(codes: Uint8Array, r: number): Uint8Array {
  const pb = planeBytes(codes.length);
  const out = new Uint8Array(pb * r);
  for (let p = 0; p < r; p++) {
    const bit = r - 1 - p;
    const plane = out.subarray(p * pb, (p + 1) * pb);
    for (let i = 0; i < codes.length; i++)
      plane[i >> 3] = plane[i >> 3]! | (((codes[i]! >> bit) & 1) << (i & 7));
  }
  return out;
}

/**
 * Read the top `planes` planes of an r-bit plane stream; the codes come back as `planes`-bit integers
 * (the r-bit code shifted right by r − planes).
 */
export function unpackPlanes(bytes: Uint8Array, n: number, r: number, planes = r): Uint8Array {
  const pb = planeBytes(n);
  if (!Number.isInteger(planes) || planes < 1 || planes > r) {
    throw new QbenchError('mwq.planes', `cannot read ${planes} planes of an ${r}-plane stream`, {
      planes,
      r,
    });
  }
  if (bytes.length < pb * planes) {
    throw new QbenchError(
      'mwq.length',
      `${planes} planes of ${n} codes need ${pb * planes} bytes, got ${bytes.length}`,
      {
        expected: pb * planes,
        got: bytes.length,
      },
    );
  }
  const out = new Uint8Array(n);
  for (let p = 0; p < planes; p++) {
    const plane = bytes.subarray(p * pb, (p + 1) * pb);
    for (let i = 0; i < n; i++) out[i] = (out[i]! << 1) | ((plane[i >> 3]! >> (i & 7)) & 1);
  }
  return out;
}
