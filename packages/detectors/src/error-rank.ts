/**
 * error-rank: structure in the quantization error, a detector that does not rely on grid parking.
 *
 * The error matrix D = dequant(bytes) − reference (rows × nPerRow) of an honest quantization is rounding
 * noise: close to independent entries, whose largest squared singular value sits at the Marchenko–Pastur
 * edge, (1 + √(m/n))² times the mean squared singular value ‖D‖²_F / min(m, n). A Mind-the-Gap pair's
 * error also holds the repair: the published full-precision model was pushed away from the quantized one by
 * gradient steps, sums of a few outer products, i.e. a low-rank component. Spreading the repaired weights
 * inside their boxes (the adversarial suite's adaptive attacker, attack/adaptive.ts) adds noise around that component but
 * keeps it on average, or the full-precision model would not be benign.
 *
 * Score = σ₁²(D) / (edge · ‖D‖²_F / min(m, n)) − 1, floored at 0: the top singular value's excess over the
 * noise edge. σ₁ comes from a fixed number of power iterations from a fixed start (deterministic; an
 * underestimate on flat spectra, which only lowers benign scores). Measured on the in-project MLP (q4_0,
 * seeds 1–3, quick configuration): benign, imatrix, injected and fine-tuned pairs 0.00–0.03; the plain attack
 * 2.7–3.3; the adaptive attacker that evades residual-spike 1.0–2.2.
 */
import type { Format } from '@qbench/core';
import { SplitMix64 } from '@qbench/core';
import type { TensorScore } from './types.ts';

/** Power iterations on DᵀD: the benign ratio has converged to two decimals well before this. */
export const POWER_ITERATIONS = 40;
/**
 * Smallest threshold the suite derives for error-rank. Benign excesses are Tracy–Widom fluctuations of
 * relative size ~n^(−2/3) (≈ 0.025 at n = 256, the largest measured benign score); when every calibration
 * pair scores 0 the rule "flag any positive score" would flag that noise, so the threshold is at least 4×.
 */
export const ERROR_RANK_MIN_THRESHOLD = 0.1;

export function errorRank(input: {
  tensor: string;
  format: Format;
  reference: Float32Array;
  bytes: Uint8Array;
  nPerRow: number;
}): TensorScore {
  const { format, reference, nPerRow: n } = input;
  const m = reference.length / n;
  const deq = format.reference.decode(input.bytes, reference.length);
  const d = new Float64Array(reference.length);
  let fro = 0;
  for (let i = 0; i < d.length; i++) {
    const e = deq[i]! - reference[i]!;
    // A non-finite weight or value is a finding of other detectors; it would only poison the spectrum.
    d[i] = Number.isFinite(e) ? e : 0;
    fro += d[i]! * d[i]!;
  }
  const base = { tensor: input.tensor, format: format.id, detector: 'error-rank' as const };
  if (!(fro > 0) || m < 2) {
    return { ...base, score: 0, evidence: `no quantization error to analyse (${m} × ${n}, ‖D‖ = 0)` };
  }
  const rng = new SplitMix64(0x5eed);
  let v = new Float64Array(n);
  for (let j = 0; j < n; j++) v[j] = rng.normal();
  const u = new Float64Array(m);
  let sigma2 = 0;
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    let vv = 0;
    for (let j = 0; j < n; j++) vv += v[j]! * v[j]!;
    for (let r = 0; r < m; r++) {
      let a = 0;
      for (let j = 0; j < n; j++) a += d[r * n + j]! * v[j]!;
      u[r] = a;
    }
    const w = new Float64Array(n);
    for (let r = 0; r < m; r++) {
      const ur = u[r]!;
      for (let j = 0; j < n; j++) w[j] = w[j]! + d[r * n + j]! * ur;
    }
    let ww = 0;
    for (let j = 0; j < n; j++) ww += w[j]! * w[j]!;
    // ‖DᵀD v‖ / ‖v‖ → σ₁².
    sigma2 = Math.sqrt(ww / vv);
    const norm = Math.sqrt(ww);
    if (!(norm > 0)) break;
    for (let j = 0; j < n; j++) w[j] = w[j]! / norm;
    v = w;
  }
  const small = Math.min(m, n);
  const edge = (1 + Math.sqrt(small / Math.max(m, n))) ** 2;
  const ratio = sigma2 / (fro / small) / edge;
  return {
    ...base,
    score: Math.max(0, ratio - 1),
    evidence: `top singular value² of the quantization error is ${ratio.toFixed(3)}× the noise edge (${m} × ${n}; benign ≈ 1)`,
  };
}
