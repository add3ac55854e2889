/**
 * Tensor-level accuracy of one format on one tensor: bits/weight as actually stored (every scale and
 * side-info byte counted), MSE, SQNR, max abs error, cosine similarity, and the distance to two yardsticks —
 * the Gaussian distortion-rate bound D(R) = σ²·2^(−2R) (6.02 dB per bit) and the Lloyd–Max scalar
 * quantizer at the same rate.
 */
import { type Format, summarizeError } from '@qbench/core';
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
  /** Encoded bytes and elements, for the record. */
  encodedBytes: number;
  elements: number;
}

export function measureTensor(format: Format, x: Float32Array, nPerRow: number): TensorAccuracy {
  const q = format.reference.encode(x, { nPerRow });
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
    encodedBytes: q.length,
    elements: x.length,
  };
}
