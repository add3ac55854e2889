/**
 * Tensor-level accuracy of one format on one tensor: bits/weight as actually stored (every scale and
 * side-info byte counted), MSE, SQNR, max abs error, cosine similarity, and the distance to two yardsticks —
 * the Gaussian distortion-rate bound D(R) = σ²·2^(−2R) (6.02 dB per bit) and the Lloyd–Max scalar
 * quantizer at the same rate.
 */
import { encodeOptionsFor, type Format, summarizeError } from '@qbench/core';
import { lloydMaxSqnrDb, shannonBoundDb } from './lloyd-max.ts';

export interface TensorAccuracy {
  /** Encoded bytes · 8 / elements: what the tensor really costs, per-tensor side info included. */
  bitsPerWeight: number;
  mse: number;
  sqnrDb: number;
  maxAbsError: number;
  cosineSimilarity: number;
  /** Bound minus SQNR: how many dB the format leaves on the table at its rate (negative is impossible on N(0,1)). */
  gapToBoundDb: number;
  /** Lloyd–Max SQNR at the same rate minus the format's SQNR. */
  gapToLloydMaxDb: number;
  /**
   * Quantiles of the per-element error |x − x̂| / RMS(x) (p50, p90, p99, p99.9): the shape of the error
   * distribution that one MSE number hides (a format with the same SQNR can err rarely and large, or often and
   * small). Normalised by the tensor's RMS so sources and formats compare on one axis.
   */
  elementErrorQuantiles: { p50: number; p90: number; p99: number; p999: number };
  /** Encoded bytes and elements, for the record. */
  encodedBytes: number;
  elements: number;
  /** The importance matrix the suites' policy supplied (core's encodeOptionsFor), for the record's details. */
  imatrix?: string;
}

export function measureTensor(format: Format, x: Float32Array, nPerRow: number): TensorAccuracy {
  const { options, details } = encodeOptionsFor(format, x.length, { nPerRow });
  const q = format.reference.encode(x, options);
  const y = format.reference.decode(q, x.length);
  const err = summarizeError(x, y);
  const bitsPerWeight = (q.length * 8) / x.length;
  return {
    bitsPerWeight,
    mse: err.mse,
    sqnrDb: err.sqnrDb,
    maxAbsError: err.maxAbsError,
    cosineSimilarity: err.cosineSimilarity,
    gapToBoundDb: shannonBoundDb(bitsPerWeight) - err.sqnrDb,
    gapToLloydMaxDb: lloydMaxSqnrDb(bitsPerWeight) - err.sqnrDb,
    elementErrorQuantiles: elementErrorQuantiles(x, y),
    encodedBytes: q.length,
    elements: x.length,
    ...details,
  };
}

/** Nearest-rank quantiles of |x − y| / RMS(x); an all-zero x gives RMS 1 (the raw error). */
export function elementErrorQuantiles(
  x: Float32Array,
  y: Float32Array,
): TensorAccuracy['elementErrorQuantiles'] {
  let ms = 0;
  for (let i = 0; i < x.length; i++) ms += x[i]! * x[i]!;
  const rms = Math.sqrt(ms / Math.max(1, x.length)) || 1;
  const e = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) e[i] = Math.abs(x[i]! - y[i]!) / rms;
  e.sort();
  const q = (p: number) =>
    e.length === 0 ? 0 : e[Math.min(e.length - 1, Math.max(0, Math.ceil(p * e.length) - 1))]!;
  return { p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999) };
}
