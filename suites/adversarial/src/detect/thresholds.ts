/**
 * Fixed thresholds `qbench scan --reference` uses, one per detector, across formats.
 *
 * Provenance: the largest per-format threshold (max calibration score × 1.1, see evaluate.ts) that
 * `qbench run --suite adversarial` (item adversarial/detect, default configuration, calibration seeds
 * 1–3, benign/benign-imatrix/injected/dequantized pairs over q8_0, q4_0, q5_0, nf4, fp4, q4_k, q5_k,
 * q6_k) produced, rounded up. Re-derive them from a new run's `threshold` details when the detectors change.
 * - rederive: any block that does not re-derive is evidence of a file not made from this reference.
 * - conformance: breaking a strict ggml invariant in any block is evidence of a hand-edited payload.
 */
export const SCAN_THRESHOLDS: Readonly<Record<string, number>> = {
  rederive: 0,
  'residual-spike': 4,
  'noise-1e-4': 0.01,
  'noise-1e-3': 0.05,
  conformance: 0,
  'outlier-collapse': 0.05,
};
