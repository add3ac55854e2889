/**
 * Detectors that need the full-precision reference of a quantized tensor.
 *
 * - rederive: quantize the reference and compare bytes block by block. Catches a quantized file that was
 *   not made from this reference (tampering, another recipe). It does NOT catch Mind the Gap: there the
 *   published GGUF is an honest quantization of the published (repaired) full-precision model.
 * - residual-spike: where each reference weight sits inside its quantization cell. Benign weights spread
 *   over the cell; projected gradient descent leaves a large share of an attacked model's weights at the
 *   same few relative positions (the attacker's box edges, or exactly on the dequantized value for error
 *   boxes). Score = mass of the fullest of PEAK_BINS bins of the folded position relative to a flat
 *   histogram. A tensor sitting entirely on its grid (a model dequantized from a GGUF, or quantization-aware
 *   training) has no gap to exploit and scores 0: only a partial spike is suspicious.
 * - noise-σ: re-quantize the reference with N(0, (σ·rms)²) added (σ ∈ {1e-4, 1e-3}, the defense scale of
 *   the NeurIPS paper) and measure the fraction of weights whose quantized value changes; weights parked at
 *   a box edge a hair inside a cell boundary flip far more often than benign ones (a flip = a value moving
 *   by more than a quarter step, so a shared scale nudged by the noise does not count).
 */

import type { Format } from '@qbench/core';
import { SplitMix64 } from '@qbench/core';
import { errorRank } from './error-rank.ts';
import { buildCellBoxes, encodeWith, searchedScales } from './intervals/index.ts';
import type { TensorScore } from './types.ts';

/** Bins of the folded position histogram (distance to the nearer cell edge, [0, 0.5]). */
export const PEAK_BINS = 500;
/** Group whose largest residual normalises the others (searched-scale formats). */
export const RESIDUAL_GROUP = 16;
/** A tensor with at least this share of weights exactly on their dequantized value is on its grid. */
export const ON_GRID_SHARE = 0.95;

export interface ReferenceInput {
  tensor: string;
  format: Format;
  /** Full-precision reference weights, row-major. */
  reference: Float32Array;
  /** The quantized tensor's bytes (from the GGUF). */
  bytes: Uint8Array;
  nPerRow: number;
  imatrix?: Float32Array;
}

function changedBlockMask(a: Uint8Array, b: Uint8Array, blockBytes: number): Uint8Array {
  const bad = new Uint8Array(a.length / blockBytes);
  for (let blk = 0; blk < bad.length; blk++) {
    for (let k = blk * blockBytes; k < (blk + 1) * blockBytes; k++) {
      if (a[k] !== b[k]) {
        bad[blk] = 1;
        break;
      }
    }
  }
  return bad;
}

export function rederive(input: ReferenceInput): TensorScore {
  const { format } = input;
  const mine = encodeWith(format, input.reference, {
    nPerRow: input.nPerRow,
    ...(input.imatrix ? { imatrix: input.imatrix } : {}),
  });
  const bad = changedBlockMask(mine, input.bytes, format.blockBytes);
  let n = 0;
  let first = -1;
  for (let i = 0; i < bad.length; i++) {
    if (bad[i]) {
      n++;
      if (first < 0) first = i;
    }
  }
  return {
    tensor: input.tensor,
    format: format.id,
    detector: 'rederive',
    score: n / bad.length,
    evidence:
      n === 0
        ? `all ${bad.length} blocks re-derive byte-identically from the reference`
        : `${n}/${bad.length} blocks differ from the reference's quantization (first: block ${first})`,
  };
}

/** Peak-to-flat ratio of a histogram of values in [lo, hi]. */
function peakRatio(
  values: Float32Array,
  count: number,
  lo: number,
  hi: number,
): { ratio: number; peakAt: number; peakMass: number } {
  const bins = new Float64Array(PEAK_BINS);
  for (let i = 0; i < count; i++) {
    const k = Math.min(PEAK_BINS - 1, Math.max(0, Math.floor(((values[i]! - lo) / (hi - lo)) * PEAK_BINS)));
    bins[k] = bins[k]! + 1;
  }
  let best = 0;
  for (let k = 1; k < PEAK_BINS; k++) if (bins[k]! > bins[best]!) best = k;
  const peakMass = count > 0 ? bins[best]! / count : 0;
  const peakAt = lo + ((best + 0.5) / PEAK_BINS) * (hi - lo);
  return { ratio: peakMass * PEAK_BINS, peakAt, peakMass };
}

export function residualSpike(input: ReferenceInput): TensorScore {
  const { format, reference: w, nPerRow } = input;
  const n = w.length;
  const deq = format.reference.decode(input.bytes, n);
  let onGrid = 0;
  for (let i = 0; i < n; i++) if (Object.is(w[i], deq[i])) onGrid++;
  const base = { tensor: input.tensor, format: format.id, detector: 'residual-spike' as const };
  if (onGrid >= ON_GRID_SHARE * n) {
    return {
      ...base,
      score: 0,
      evidence: `on-grid: ${onGrid}/${n} weights equal their dequantized value (a dequantized or QAT model: no gap)`,
    };
  }
  // Folded positions: the two box edges of a symmetric construction land in the same bin.
  const values = new Float32Array(n);
  let count = 0;
  let what: string;
  // Exact cells exist where one scale per block is set by its extremes; two-level scales (q3_k, q6_k: the
  // sub-block scales come out of a search even though the spec rounds codes plainly) use the residual form.
  const oneLevel = !format.spec.scale.kind.startsWith('two-level');
  if (
    oneLevel &&
    !searchedScales(format, input.imatrix ? { nPerRow, imatrix: input.imatrix } : { nPerRow })
  ) {
    // Distance to the nearer edge of the exact rounding cell (margin 0), in cell widths; scale-setting
    // weights excluded.
    const cells = buildCellBoxes(format, w, { nPerRow, margin: 0, bisectSteps: 20 });
    for (let i = 0; i < n; i++) {
      const width = cells.hi[i]! - cells.lo[i]!;
      if (cells.frozen[i] || !(width > 0)) continue;
      const u = (w[i]! - cells.lo[i]!) / width;
      values[count++] = Math.min(u, 1 - u);
    }
    what = 'distance to the nearer cell edge (cell widths)';
  } else {
    // |w − dequant| relative to twice the largest residual of its group of 16 (the smallest k-quant
    // sub-block, so ≈ one step of that sub-block's own scale), folded into [0, 0.5]. The group's largest
    // residual is the normaliser and sits at 0.5 by definition: it is left out, or every benign group would
    // put 1/16 of its weights in the top bin. (Normalising by the whole block's largest residual, as this
    // did before, piled q6_k's small-scale sub-blocks into the bottom bin: benign scores up to 149.)
    for (let g = 0; g < n; g += RESIDUAL_GROUP) {
      const end = Math.min(n, g + RESIDUAL_GROUP);
      let m = 0;
      let arg = g;
      for (let i = g; i < end; i++) {
        const r = Math.abs(w[i]! - deq[i]!);
        if (r > m) {
          m = r;
          arg = i;
        }
      }
      if (!(m > 0) || !Number.isFinite(m)) continue;
      for (let i = g; i < end; i++) if (i !== arg) values[count++] = Math.abs(w[i]! - deq[i]!) / (2 * m);
    }
    what = '|w − dequant| / (2 · largest residual of its group of 16)';
  }
  const p = peakRatio(values, count, 0, 0.5);
  return {
    ...base,
    score: p.ratio,
    evidence: `${(p.peakMass * 100).toFixed(2)}% of ${count} weights in one of ${PEAK_BINS} bins of ${what}, at ${p.peakAt.toFixed(4)} (flat: ${(100 / PEAK_BINS).toFixed(2)}%)`,
  };
}

export function noiseSensitivity(input: ReferenceInput, sigma: 1e-4 | 1e-3, seed = 17): TensorScore {
  const { format, reference: w, nPerRow } = input;
  const n = w.length;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += w[i]! * w[i]!;
  const s = sigma * Math.sqrt(ss / n);
  const rng = new SplitMix64(seed);
  const noisy = new Float32Array(n);
  for (let i = 0; i < n; i++) noisy[i] = w[i]! + s * rng.normal();
  const options = { nPerRow, ...(input.imatrix ? { imatrix: input.imatrix } : {}) };
  const base = format.reference.decode(encodeWith(format, w, options), n);
  const moved = format.reference.decode(encodeWith(format, noisy, options), n);
  // A "flip" is a weight whose quantized value moved by more than half its group's largest residual
  // (about a quarter step): a code change. A shared scale nudged by the noise (the block's absmax weight
  // moved) shifts every value by far less and is not counted as a flip, only as output change.
  const tol = new Float32Array(n);
  for (let g = 0; g < n; g += 16) {
    let m = 0;
    let a = 0;
    for (let i = g; i < Math.min(n, g + 16); i++) {
      m = Math.max(m, Math.abs(w[i]! - base[i]!));
      a = Math.max(a, Math.abs(base[i]!));
    }
    // On-grid weights (residual 0) still need a floor: 1% of the group's largest value.
    tol.fill(Math.max(0.5 * m, 0.01 * a), g, Math.min(n, g + 16));
  }
  let flips = 0;
  let dOut = 0;
  let out = 0;
  // Output change: relative change of W·x for one Gaussian probe per row set (x ~ N(0, 1)).
  const x = new Float32Array(nPerRow);
  for (let j = 0; j < nPerRow; j++) x[j] = rng.normal();
  for (let r = 0; r < n / nPerRow; r++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < nPerRow; j++) {
      const i = r * nPerRow + j;
      if (Math.abs(base[i]! - moved[i]!) > tol[i]!) flips++;
      a += base[i]! * x[j]!;
      b += moved[i]! * x[j]!;
    }
    dOut += (a - b) ** 2;
    out += a * a;
  }
  const detector = sigma === 1e-4 ? 'noise-1e-4' : 'noise-1e-3';
  return {
    tensor: input.tensor,
    format: format.id,
    detector,
    score: flips / n,
    evidence: `σ=${sigma}·rms: ${flips}/${n} quantized values changed, output change ${Math.sqrt(dOut / Math.max(out, 1e-30)).toExponential(2)} (relative L2)`,
  };
}

/** All reference detectors for one tensor. */
export function referenceScores(input: ReferenceInput): TensorScore[] {
  return [
    rederive(input),
    residualSpike(input),
    noiseSensitivity(input, 1e-4),
    noiseSensitivity(input, 1e-3),
    errorRank(input),
  ];
}
