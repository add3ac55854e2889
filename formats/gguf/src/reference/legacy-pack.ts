/**
 * Pieces shared by the legacy 32-element types q4_1, q5_0 and q5_1: the 5-bit code packing (low nibbles in qs, fifth bits in a little-endian uint32 qh), the
 * row-level imatrix weights of the quantize_row_*_impl functions, and the imatrix path of the types with a min.
 */
import { fround, sumSquaresF32, writeF16 } from './float32.ts';
import { makeQkx3Quants } from './make-qkx-quants.ts';

/**
 * Pack 32 five-bit codes (element j at L[lo + j]): byte j of qs holds the low nibbles of elements j and
 * j+16; bit j of qh holds the fifth bit of element j (j = 0..31), stored little-endian at q[qhOff..+4).
 */
export function packFiveBit(
  L: ArrayLike<number>,
  lo: number,
  q: Uint8Array,
  qhOff: number,
  qsOff: number,
): void {
  let qh = 0;
  for (let j = 0; j < 16; j++) {
    const xi0 = L[lo + j]! & 0xff;
    const xi1 = L[lo + j + 16]! & 0xff;
    q[qsOff + j] = (xi0 & 0x0f) | ((xi1 & 0x0f) << 4);
    qh |= ((xi0 & 0x10) >>> 4) << j;
    qh |= ((xi1 & 0x10) >>> 4) << (j + 16);
  }
  q[qhOff] = qh & 0xff;
  q[qhOff + 1] = (qh >>> 8) & 0xff;
  q[qhOff + 2] = (qh >>> 16) & 0xff;
  q[qhOff + 3] = qh >>> 24;
}

/** Read the little-endian uint32 qh of a five-bit block. */
export function readQh(q: Uint8Array, qhOff: number): number {
  return (q[qhOff]! | (q[qhOff + 1]! << 8) | (q[qhOff + 2]! << 16) | (q[qhOff + 3]! << 24)) >>> 0;
}

/** Five-bit code of element j (0..31) from qs and the block's qh word, as dequantize_row_q5_* reassembles it. */
export function fiveBitCode(q: Uint8Array, qsOff: number, qh: number, j: number): number {
  return j < 16
    ? (q[qsOff + j]! & 0x0f) | (((qh >>> j) << 4) & 0x10)
    : (q[qsOff + j - 16]! >>> 4) | ((qh >>> (j - 16 + 12)) & 0x10);
}

/**
 * The importance weights of quantize_row_q4_1_impl / q5_0_impl / q5_1_impl for block b:
 * weight[j] = imatrix[b·32 + j] · sqrt(sigma2 + x[j]²), sigma2 = Σx²/n over the whole row.
 */
export function rowSigma2(x: Float32Array): number {
  return fround(sumSquaresF32(x) / x.length);
}

export function legacyWeights(
  x: Float32Array,
  xo: number,
  imatrix: Float32Array,
  sigma2: number,
  weight: Float32Array,
): void {
  for (let j = 0; j < 32; j++) {
    const xj = x[xo + j]!;
    weight[j] = fround(imatrix[xo + j]! * fround(Math.sqrt(fround(sigma2 + fround(xj * xj)))));
  }
}

/**
 * quantize_row_q4_1_impl / quantize_row_q5_1_impl: per block of 32, make_qkx3_quants(nmax, rmin −0.9,
 * rdelta 0.05, nstep 36) weighted by legacyWeights; writes fp16 d at q[qo] and m = −min at q[qo + 2], then
 * `pack` stores the block's codes L[0..32) at its own offsets.
 */
export function quantizeRowWithMinImatrix(
  x: Float32Array,
  q: Uint8Array,
  imatrix: Float32Array,
  nmax: number,
  blockBytes: number,
  pack: (L: Uint8Array, q: Uint8Array, qo: number) => void,
): void {
  const sigma2 = rowSigma2(x);
  const weight = new Float32Array(32);
  const L = new Uint8Array(32);
  const Laux = new Uint8Array(32);
  const theMin = new Float32Array(1);
  for (let b = 0; b < x.length / 32; b++) {
    legacyWeights(x, b * 32, imatrix, sigma2, weight);
    const d = makeQkx3Quants(32, nmax, x, b * 32, weight, L, 0, theMin, 0, Laux);
    writeF16(q, b * blockBytes, d);
    writeF16(q, b * blockBytes + 2, -theMin[0]!);
    pack(L, q, b * blockBytes);
  }
}
