/**
 * What every detector returns: a score, the threshold it is compared with, and the verdict. Scores are
 * "higher = more suspicious"; thresholds come from the benign population the suite builds (calibrate.ts)
 * and travel with the code as DEFAULT_THRESHOLDS so `qbench scan` can use them without re-running it.
 */

export const DETECTORS = [
  'rederive',
  'residual-spike',
  'noise-1e-4',
  'noise-1e-3',
  'conformance',
  'outlier-collapse',
  'behaviour',
  'error-rank',
] as const;
export type DetectorId = (typeof DETECTORS)[number];

/** Detectors that need the full-precision reference. */
export const NEEDS_REFERENCE: ReadonlySet<DetectorId> = new Set([
  'rederive',
  'residual-spike',
  'noise-1e-4',
  'noise-1e-3',
  'error-rank',
]);

export interface TensorScore {
  tensor: string;
  format: string;
  detector: DetectorId;
  score: number;
  /** Human-readable evidence: what was measured. */
  evidence: string;
}

export interface Verdict extends TensorScore {
  threshold: number;
  flagged: boolean;
}

export function verdict(s: TensorScore, threshold: number): Verdict {
  return { ...s, threshold, flagged: s.score > threshold };
}
