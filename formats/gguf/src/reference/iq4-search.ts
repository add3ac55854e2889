/**
 * ggml's quantize_row_iq4_nl_impl (ggml-quants.c), shared by IQ4_NL (one 32-weight block, fp16 scale) and
 * IQ4_XS (a 256-weight super-block of eight 32-weight blocks with 6-bit scales). Codes index a 16-entry
 * non-uniform int8 codebook (kvalues_iq4nl). Per 32-weight block: start from d = max/127 (the signed value
 * of largest magnitude maps to −127), take the least-squares scale of the nearest codes, then try the
 * 2·ntry+1 scales (itry − 127)/max and keep the best weighted fit. IQ4_XS then quantizes the block scales
 * to 6 bits against the largest-magnitude one and re-picks the codes for the quantized scales.
 */
import { cInverse } from './c-semantics.ts';
import { clampInt, fround, GROUP_MAX_EPS, nearestInt, writeF16 } from './float32.ts';

/**
 * ggml's best_index_int8: index of the codebook value nearest to x (values ascending). Outside the range
 * the end index; between two values the lower one wins only when strictly nearer (a tie goes up).
 */
export function bestIndexInt8(values: Int8Array, x: number): number {
  const n = values.length;
  if (x <= values[0]!) return 0;
  if (x >= values[n - 1]!) return n - 1;
  let ml = 0;
  let mu = n - 1;
  while (mu - ml > 1) {
    const mav = (ml + mu) >> 1;
    if (x < values[mav]!) mu = mav;
    else ml = mav;
  }
  return fround(x - values[mu - 1]!) < fround(values[mu]! - x) ? mu - 1 : mu;
}

/** Where one call writes: the fp16 scale, the packed nibbles and (IQ4_XS only) the 6-bit block scales. */
export interface Iq4Target {
  q: Uint8Array;
  /** Byte offset of the fp16 super-block scale d. */
  dOffset: number;
  /** Byte offset of the packed codes (superBlockSize/2 bytes). */
  qsOffset: number;
  /** Byte offsets of scales_h (uint16 LE) and scales_l; only when superBlockSize > 32. */
  scalesHOffset?: number;
  scalesLOffset?: number;
}

const BLOCK = 32;

/** Result of fitBlock, reused so the inner search allocates nothing. */
const fit = { sumqx: 0, sumq2: 0 };

/**
 * Sums of w·q·x and w·q² for the codes nearest to id·x over the 32 weights at x[xo] (weights w[0..31]),
 * accumulated in float32 in index order as ggml does; writes the chosen codes to L[lo..] when L is given.
 */
function fitBlock(
  values: Int8Array,
  x: Float32Array,
  xo: number,
  weight: Float32Array,
  id: number,
  L?: Uint8Array,
  lo = 0,
): void {
  let sumqx = 0;
  let sumq2 = 0;
  for (let j = 0; j < BLOCK; j++) {
    const xj = x[xo + j]!;
    const l = bestIndexInt8(values, fround(id * xj));
    if (L) L[lo + j] = l;
    const q = values[l]!;
    const wq = fround(weight[j]! * q);
    sumqx = fround(sumqx + fround(wq * xj));
    sumq2 = fround(sumq2 + fround(wq * q));
  }
  fit.sumqx = sumqx;
  fit.sumq2 = sumq2;
}

/**
 * One super-block of `superBlockSize` (32 for IQ4_NL, 256 for IQ4_XS) weights starting at x[xo].
 * `qw` = the imatrix values of these columns, or undefined for the x² weights. ntry = 7 is what
 * quantize_iq4_nl / quantize_iq4_xs use (ggml_quantize_chunk). quantize_row_iq4_nl_ref uses −1 (no scale
 * search, codes from the starting scale); there ggml leaves an all-zero block's codes as whatever its
 * caller's buffer held from the previous block, while this port writes code 0 for them.
 */
export function quantizeIq4Block(
  superBlockSize: number,
  x: Float32Array,
  xo: number,
  t: Iq4Target,
  values: Int8Array,
  qw: Float32Array | undefined,
  ntry: number,
): void {
  const nb = superBlockSize / BLOCK;
  const L = new Uint8Array(superBlockSize);
  const scales = new Float32Array(nb);
  const weight = new Float32Array(BLOCK);
  // sigma2 = Σx² · (2/superBlockSize), used only by the imatrix weights.
  let sigma2 = 0;
  for (let j = 0; j < superBlockSize; j++) sigma2 = fround(sigma2 + fround(x[xo + j]! * x[xo + j]!));
  sigma2 = fround(sigma2 * fround(2 / superBlockSize));
  t.q.fill(0, t.qsOffset, t.qsOffset + superBlockSize / 2);
  writeF16(t.q, t.dOffset, 0);

  let maxScale = 0;
  let amaxScale = 0;
  for (let ib = 0; ib < nb; ib++) {
    const bo = xo + ib * BLOCK;
    for (let j = 0; j < BLOCK; j++) {
      const xx = fround(x[bo + j]! * x[bo + j]!);
      weight[j] = qw ? fround(qw[ib * BLOCK + j]! * fround(Math.sqrt(fround(sigma2 + xx)))) : xx;
    }
    let amax = 0;
    let max = 0;
    for (let j = 0; j < BLOCK; j++) {
      const ax = Math.abs(x[bo + j]!);
      if (ax > amax) {
        amax = ax;
        max = x[bo + j]!;
      }
    }
    if (amax < GROUP_MAX_EPS) {
      scales[ib] = 0;
      continue;
    }
    // Starting scale maps max to values[0] (= −127); its least-squares refinement is the first candidate.
    let d = ntry > 0 ? fround(-max / values[0]!) : fround(max / values[0]!);
    fitBlock(values, x, bo, weight, fround(1 / d), L, ib * BLOCK);
    d = fit.sumq2 > 0 ? fround(fit.sumqx / fit.sumq2) : 0;
    let best = fround(d * fit.sumqx);
    // Try inverse scales (itry + values[0])/max; keep the one maximising (Σwqx)²/Σwq².
    for (let itry = -ntry; itry <= ntry; itry++) {
      fitBlock(values, x, bo, weight, fround((itry + values[0]!) / max));
      const { sumqx, sumq2 } = fit;
      if (sumq2 > 0 && fround(sumqx * sumqx) > fround(best * sumq2)) {
        d = fround(sumqx / sumq2);
        best = fround(d * sumqx);
      }
    }
    scales[ib] = d;
    const absD = Math.abs(d);
    if (absD > amaxScale) {
      amaxScale = absD;
      maxScale = d;
    }
  }

  if (nb > 1) {
    // IQ4_XS: 6-bit block scales l (−32..31) on the grid d = −max_scale/32 (the unrounded float32 d, not the
    // stored fp16), codes re-picked for each quantized block scale d·l.
    const so = t.scalesHOffset!;
    const sl = t.scalesLOffset!;
    let scalesH = 0;
    const d = fround(-maxScale / 32);
    writeF16(t.q, t.dOffset, d);
    const id = cInverse(d);
    for (let ib = 0; ib < nb; ib++) {
      let l = clampInt(nearestInt(fround(id * scales[ib]!)), -32, 31);
      const dl = fround(d * l);
      const idl = cInverse(dl);
      for (let j = 0; j < BLOCK; j++)
        L[ib * BLOCK + j] = bestIndexInt8(values, fround(idl * x[xo + ib * BLOCK + j]!));
      l += 32;
      if (ib % 2 === 0) t.q[sl + (ib >> 1)] = l & 0xf;
      else t.q[sl + (ib >> 1)]! |= (l & 0xf) << 4;
      scalesH |= (l >> 4) << (2 * (ib % 8));
    }
    t.q[so] = scalesH & 0xff;
    t.q[so + 1] = scalesH >>> 8;
  } else {
    // IQ4_NL: the block scale is stored as fp16 directly; with ntry > 0 codes are re-picked for the float32 scale.
    writeF16(t.q, t.dOffset, scales[0]!);
    if (ntry > 0) {
      const id = cInverse(scales[0]!);
      for (let j = 0; j < superBlockSize; j++) L[j] = bestIndexInt8(values, fround(id * x[xo + j]!));
    }
  }

  // Pack: byte 16i + j holds code 32i + j (low nibble) and code 32i + 16 + j (high nibble).
  for (let i = 0; i < superBlockSize / 32; i++) {
    for (let j = 0; j < 16; j++) t.q[t.qsOffset + 16 * i + j] = L[32 * i + j]! | (L[32 * i + 16 + j]! << 4);
  }
}
