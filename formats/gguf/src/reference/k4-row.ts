/**
 * The row functions q4_K and q5_K share (ggml-quants.c dequantize_row_q{4,5}_K, ggml-cpu/quants.c
 * ggml_vec_dot_q{4,5}_K_q8_K_generic): both read eight sub-blocks of 32 with the 6-bit scale and min of
 * k4-scales.ts under fp16 d (at 0) and dmin (at 2), and differ only in how a block's 256 codes are stored.
 * Each type passes its `unpack`, which writes the block's codes (element order) to `codes`; the float32
 * arithmetic below is the reference's, operation for operation.
 */
import { readF16, readF32, readI8 as readI8Import } from './float32.ts';
import { k4Min, k4Scale, QK_K } from './k4-scales.ts';
import { q8kBsum } from './q8_k.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the per-element loops below.
const fround = Math.fround;
const readI8 = readI8Import;

const Q8K_BYTES = 292;

/** Writes the 256 codes of the block at q[qo..] to codes[0..256), element e at codes[e]. */
export type UnpackCodes = (q: Uint8Array, qo: number, codes: Uint8Array) => void;

const codes = new Uint8Array(QK_K);
const aux32 = new Int32Array(8);
const sums = new Float32Array(8);

/** y = (d·sc)·code − (dmin·m) per sub-block, each of d·sc and dmin·m one float32 product. */
export function dequantizeRowK4(
  q: Uint8Array,
  y: Float32Array,
  blockBytes: number,
  unpack: UnpackCodes,
): void {
  for (let b = 0; b < y.length / QK_K; b++) {
    const qo = b * blockBytes;
    unpack(q, qo, codes);
    const d = readF16(q, qo);
    const min = readF16(q, qo + 2);
    for (let j = 0; j < 8; j++) {
      const dl = fround(d * k4Scale(q, qo, j));
      const ml = fround(min * k4Min(q, qo, j));
      for (let l = 0; l < 32; l++) {
        const e = 32 * j + l;
        y[b * QK_K + e] = fround(fround(dl * codes[e]!) - ml);
      }
    }
  }
}

/**
 * Integer products summed per lane (element index mod 8) with the 6-bit scales; per block
 * sums[l] += (d·dy)·aux32[l] and sumf −= (dmin·dy)·Σ bsums·m; the 8 lanes join sumf last.
 */
export function vecDotK4Q8K(
  x: Uint8Array,
  y: Uint8Array,
  n: number,
  blockBytes: number,
  unpack: UnpackCodes,
): number {
  sums.fill(0);
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * blockBytes;
    const yo = b * Q8K_BYTES;
    unpack(x, xo, codes);
    aux32.fill(0);
    for (let j = 0; j < 8; j++) {
      const sc = k4Scale(x, xo, j);
      for (let l = 0; l < 32; l++) {
        const e = 32 * j + l;
        aux32[l & 7] = aux32[l & 7]! + sc * (readI8(y, yo + 4 + e) * codes[e]!);
      }
    }
    let sumi = 0;
    for (let g = 0; g < 16; g++) sumi += q8kBsum(y, yo, g) * k4Min(x, xo, g >>> 1);
    const dy = readF32(y, yo);
    const d = fround(readF16(x, xo) * dy);
    for (let l = 0; l < 8; l++) sums[l] = fround(sums[l]! + fround(d * fround(aux32[l]!)));
    const dmin = fround(readF16(x, xo + 2) * dy);
    sumf = fround(sumf - fround(dmin * fround(sumi)));
  }
  for (let l = 0; l < 8; l++) sumf = fround(sumf + sums[l]!);
  return sumf;
}
