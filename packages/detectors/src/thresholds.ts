/**
 * Fixed thresholds `qbench scan --reference` uses, one per detector, across formats.
 *
 * Provenance: the largest per-format threshold (max calibration score × 1.1, see evaluate.ts) that
 * `qbench run --suite adversarial` (item adversarial/detect, default configuration, calibration seeds
 * 1–3, benign/benign-imatrix/injected/dequantized pairs over q4_0, nf4, q8_0, q4_k; run of 2026-11-23)
 * produced, rounded up. Only 12 calibration pairs per format stand behind them: re-derive them from a
 * larger run's `threshold` details before relying on them, and whenever the detectors change.
 * - rederive: any block that does not re-derive is evidence of a file not made from this reference.
 * - conformance: breaking a strict ggml invariant in any block is evidence of a hand-edited payload.
 */
export const SCAN_THRESHOLDS: Readonly<Record<string, number>> = {
  rederive: 0,
  // calibration maxima ×1.1: q8_0 18.5, q4_0 18.0, nf4 11.5, q4_k 4.6 (500-bin peak ratio; flat = 1).
  // Default run of 2026-11-23 after the per-group residual (42 calibration pairs per format): maxima
  // q4_0 3.4, q8_0 3.6, q4_k 3.6, q5_k 3.9, q6_k 3.6, nf4 10.7; attacked pairs 28–314.
  'residual-spike': 20,
  // q4_k 0.018, q8_0 0.0027, q4_0 0.0017, nf4 0.0011 (share of weights whose value moves > ¼ step)
  'noise-1e-4': 0.02,
  // q4_k 0.049, q4_0 0.014, q8_0 0.012, nf4 0.0064
  'noise-1e-3': 0.05,
  // q4_0 0.275 (the imatrix path breaks the reference-path invariant), q4_k 0.14, q8_0 0 (strict)
  conformance: 0.3,
  // Share of scale groups of 32 holding a value > 5× the RMS of the rest. The injection puts one in every
  // group of the tensors it attacks (scores 0.9–1.0). Natural tails put them in some groups: measured on
  // 2^18 weights encoded as q4_k, iq4_xs, q4_0 and q8_0: Gaussian 0.0005–0.0007, Laplace 0.064–0.070,
  // student-t ν=3 0.19, ν=2 0.38, a 1% ×50 outlier mixture 0.25 (standalone.test.ts). The earlier floor of
  // 0.01 flagged a third of the suite's benign pairs (one held-out seed's MLP has one natural outlier among
  // fc2's 64 groups) and would flag most real, heavy-tailed weights. An attacker who inflates fewer than
  // half the groups is below this threshold: a limit of this statistic, stated in the README.
  'outlier-collapse': 0.5,
  // Excess of the quantization error's top singular value over the noise edge (error-rank.ts): benign pairs
  // 0.00–0.03 (q4_0, quick configuration, 2026-12-07), attacked 1.0–3.3; 10× the benign maximum. Real
  // models' rounding noise is less uniform than the MLP's: re-derive from a run on real weights before
  // relying on it.
  'error-rank': 0.25,
};
