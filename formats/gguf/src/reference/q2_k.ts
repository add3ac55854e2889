/**
 * Q2_K (ggml-common.h block_q2_K): super-blocks of 256 = 16 sub-blocks of 16; per sub-block a 4-bit scale
 * (low nibble) and 4-bit min (high nibble) in scales[16], 2-bit codes in qs[64], then fp16 d and dmin;
 * 2.625 bits/weight. Value = (d·sc)·q − (dmin·m). Codes: for each 128-element half h and shift s = 0..3,
 * element 128h + 32s + l (l < 32) is bits 2s..2s+1 of qs[32h + l].
 * Quantize without imatrix: quantize_row_q2_K_ref (make_qkx2_quants(nmax 3, rmin −0.5, rdelta 0.1,
 * nstep 15, absolute error) weighted by |x|; scales and mins to 4 bits against their maxima). With one:
 * quantize_row_q2_K_impl (make_qkx3_quants weighted by imatrix·sqrt(sigma2 + x²), then make_qp_quants
 * for the scales and mins). vec_dot partner: q8_k (ggml_vec_dot_q2_K_q8_K_generic).
 */
import { cTrue } from './c-semantics.ts';
import { readF16, readF32, readI8 as readI8Import, writeF16 } from './float32.ts';
import {
  makeQkx3Quants,
  makeQkxQuants,
  makeQpQuants,
  nearestInt as nearestIntFast,
} from './make-qkx-quants.ts';
import { q8kBsum } from './q8_k.ts';
import type { GgmlTypeImpl } from './types.ts';

// Module-local bindings: runners that compile imports to property getters (tsx, vite) would otherwise
// pay a getter call for every use inside the per-element loops below.
const fround = Math.fround;
const nearestInt = nearestIntFast;
const readI8 = readI8Import;

const QK_K = 256;
const BYTES = 84;
const OFF_QS = 16;
const OFF_D = 80;
const OFF_DMIN = 82;
const Q8K_BYTES = 292;

const L = new Uint8Array(QK_K);
const laux = new Uint8Array(16);
const weights = new Float32Array(16);
const scales = new Float32Array(16);
const mins = new Float32Array(16);
const sw = new Float32Array(16);
const ls = new Uint8Array(16);
const lm = new Uint8Array(16);

/** Re-quantize the codes against the stored scales (nearest_int((x + dmin·m)/(d·sc)), 0..3), then pack them. */
function requantizeAndPack(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  const dAll = readF16(q, qo + OFF_D);
  const mAll = readF16(q, qo + OFF_DMIN);
  for (let j = 0; j < 16; j++) {
    const sc = q[qo + j]!;
    const d = fround(dAll * (sc & 0x0f));
    if (!cTrue(d)) continue; // C's `if (!d)`: a NaN scale is not skipped
    const dm = fround(mAll * (sc >>> 4));
    for (let ii = 0; ii < 16; ii++) {
      const l = nearestInt(fround(fround(x[xo + 16 * j + ii]! + dm) / d));
      L[16 * j + ii] = l < 0 ? 0 : l > 3 ? 3 : l;
    }
  }
  for (let h = 0; h < 2; h++) {
    for (let l = 0; l < 32; l++) {
      const e = 128 * h + l;
      q[qo + OFF_QS + 32 * h + l] = L[e]! | (L[e + 32]! << 2) | (L[e + 64]! << 4) | (L[e + 96]! << 6);
    }
  }
}

/** quantize_row_q2_K_ref for one super-block. */
function quantizeBlockRef(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  let maxScale = 0;
  let maxMin = 0;
  for (let j = 0; j < 16; j++) {
    for (let l = 0; l < 16; l++) weights[l] = Math.abs(x[xo + 16 * j + l]!);
    scales[j] = makeQkxQuants(
      16,
      3,
      x,
      xo + 16 * j,
      weights,
      L,
      16 * j,
      mins,
      j,
      laux,
      fround(-0.5),
      fround(0.1),
      15,
      true,
    );
    if (scales[j]! > maxScale) maxScale = scales[j]!;
    if (mins[j]! > maxMin) maxMin = mins[j]!;
  }
  // 4-bit scales (low nibbles) and mins (high nibbles) relative to their maxima; uint8_t stores.
  if (maxScale > 0) {
    const iscale = fround(15 / maxScale);
    for (let j = 0; j < 16; j++) q[qo + j] = nearestInt(fround(iscale * scales[j]!)) & 0xff;
    writeF16(q, qo + OFF_D, fround(maxScale / 15));
  } else {
    q.fill(0, qo, qo + 16);
    writeF16(q, qo + OFF_D, 0);
  }
  if (maxMin > 0) {
    const iscale = fround(15 / maxMin);
    for (let j = 0; j < 16; j++)
      q[qo + j] = (q[qo + j]! | (nearestInt(fround(iscale * mins[j]!)) << 4)) & 0xff;
    writeF16(q, qo + OFF_DMIN, fround(maxMin / 15));
  } else {
    writeF16(q, qo + OFF_DMIN, 0);
  }
  requantizeAndPack(x, xo, q, qo);
}

/** quantize_row_q2_K_impl (with quant_weights) for one super-block; imatrix is indexed like x. */
function quantizeBlockImatrix(
  x: Float32Array,
  xo: number,
  imatrix: Float32Array,
  q: Uint8Array,
  qo: number,
): void {
  // sigma2 = Σx²/256 over the super-block.
  let sumX2 = 0;
  for (let j = 0; j < QK_K; j++) sumX2 = fround(sumX2 + fround(x[xo + j]! * x[xo + j]!));
  const sigma2 = fround(sumX2 / QK_K);
  for (let j = 0; j < 16; j++) {
    const so = xo + 16 * j;
    let s = 0;
    for (let l = 0; l < 16; l++) {
      const xl = x[so + l]!;
      weights[l] = fround(imatrix[so + l]! * fround(Math.sqrt(fround(sigma2 + fround(xl * xl)))));
    }
    for (let l = 0; l < 16; l++) s = fround(s + weights[l]!);
    sw[j] = s;
    scales[j] = makeQkx3Quants(16, 3, x, so, weights, L, 16 * j, mins, j, laux);
  }
  // The 16 scales and 16 mins to 4 bits by make_qp_quants; the stored fp16 values drive re-quantization.
  const dm = makeQpQuants(16, 15, scales, ls, sw);
  const mm = makeQpQuants(16, 15, mins, lm, sw);
  writeF16(q, qo + OFF_D, dm);
  writeF16(q, qo + OFF_DMIN, mm);
  for (let j = 0; j < 16; j++) q[qo + j] = (ls[j]! | (lm[j]! << 4)) & 0xff;
  requantizeAndPack(x, xo, q, qo);
}

/** The 2-bit code of element e (0..255) of the block at q[qo..]. */
function code(q: Uint8Array, qo: number, e: number): number {
  const h = e >>> 7;
  const r = e & 127;
  return (q[qo + OFF_QS + 32 * h + (r & 31)]! >>> (2 * (r >>> 5))) & 3;
}

export const q2_k: GgmlTypeImpl = {
  name: 'q2_k',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q, imatrix) {
    for (let b = 0; b < x.length / QK_K; b++) {
      if (imatrix) quantizeBlockImatrix(x, b * QK_K, imatrix, q, b * BYTES);
      else quantizeBlockRef(x, b * QK_K, q, b * BYTES);
    }
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) {
      const qo = b * BYTES;
      const d = readF16(q, qo + OFF_D);
      const min = readF16(q, qo + OFF_DMIN);
      for (let j = 0; j < 16; j++) {
        // Sub-block j (16 elements): dl = d·sc, ml = dmin·m, value dl·q − ml.
        const sc = q[qo + j]!;
        const dl = fround(d * (sc & 0x0f));
        const ml = fround(min * (sc >>> 4));
        for (let l = 0; l < 16; l++) {
          const e = 16 * j + l;
          y[b * QK_K + e] = fround(fround(dl * code(q, qo, e)) - ml);
        }
      }
    }
  },
  vecDot(x, y, n) {
    // ggml_vec_dot_q2_K_q8_K_generic: isum = Σ_j sc_j·Σ q8·q over the 16 sub-blocks, summs = Σ bsums·m;
    // per block sumf += (dy·d)·isum − (dy·dmin)·summs in float32.
    let sumf = 0;
    for (let b = 0; b < n / QK_K; b++) {
      const xo = b * BYTES;
      const yo = b * Q8K_BYTES;
      let summs = 0;
      for (let j = 0; j < 16; j++) summs += q8kBsum(y, yo, j) * (x[xo + j]! >>> 4);
      let isum = 0;
      for (let j = 0; j < 16; j++) {
        let isuml = 0;
        for (let l = 0; l < 16; l++) isuml += readI8(y, yo + 4 + 16 * j + l) * code(x, xo, 16 * j + l);
        isum += (x[xo + j]! & 0x0f) * isuml;
      }
      const dy = readF32(y, yo);
      const dall = fround(dy * readF16(x, xo + OFF_D));
      const dmin = fround(dy * readF16(x, xo + OFF_DMIN));
      sumf = fround(sumf + fround(fround(dall * fround(isum)) - fround(dmin * fround(summs))));
    }
    return sumf;
  },
};
