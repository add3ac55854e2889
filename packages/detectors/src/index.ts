/**
 * @qbench/detectors: the quantization-conditioned backdoor (Mind the Gap) detectors — re-derivation from a
 * full-precision reference, residual spikes, noise sensitivity, the error-rank spectrum, strict-invariant conformance, outlier
 * collapse — and `qbench scan --reference`'s report built on them. The interval geometry they share with
 * the attack (which weights quantize to the same codes) is `@qbench/detectors/intervals`. Both the CLI and
 * the adversarial suite import this package.
 */
export { ERROR_RANK_MIN_THRESHOLD, errorRank } from './error-rank.ts';
export {
  noiseSensitivity,
  ON_GRID_SHARE,
  PEAK_BINS,
  RESIDUAL_GROUP,
  type ReferenceInput,
  rederive,
  referenceScores,
  residualSpike,
} from './reference.ts';
export {
  type ReferenceReader,
  type ReferenceScanReport,
  scanWithReference,
} from './scan-reference.ts';
export { referenceScanJson, referenceScanText } from './scan-text.ts';
export { conformance, outlierCollapse } from './standalone.ts';
export { SCAN_THRESHOLDS } from './thresholds.ts';
export {
  DETECTORS,
  type DetectorId,
  NEEDS_REFERENCE,
  type TensorScore,
  type Verdict,
  verdict,
} from './types.ts';
