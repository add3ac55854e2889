/**
 * Scores of every detector on a model pair, thresholds from a calibration population, and true/false
 * positive rates on pairs the thresholds never saw.
 *
 * A model's score for a detector is the maximum over its tensors (the scanner flags a model when any
 * tensor is flagged). A threshold is the largest calibration score times THRESHOLD_SLACK, so no
 * calibration pair is flagged (with ×1.1 the default run's held-out benign pairs still exceeded the maximum
 * of 42 calibration pairs 1–2% of the time; attacked residual spikes score 28–314 against benign maxima of
 * about 4, so a 2× slack costs no true positives); detectors whose calibration scores are all 0 flag any positive score.
 * The 95% upper bound of a rate with k events in n trials is exact Clopper–Pearson; for k = 0 that is
 * 1 − 0.05^(1/n).
 */
import { loadFormat } from '@qbench/core';
import {
  conformance,
  DETECTORS,
  type DetectorId,
  ERROR_RANK_MIN_THRESHOLD,
  outlierCollapse,
  referenceScores,
  SCAN_THRESHOLDS,
  type TensorScore,
} from '@qbench/detectors';
import { forward } from '../model/mlp.ts';
import type { Batch } from '../model/task.ts';
import type { ModelPair } from './population.ts';

export const THRESHOLD_SLACK = 2;
/** Detectors whose benign scores are noise around 0 get a floor (see each detector's file for why). */
const MIN_THRESHOLD: Partial<Record<DetectorId, number>> = {
  'error-rank': ERROR_RANK_MIN_THRESHOLD,
  // The scanner's own floor (SCAN_THRESHOLDS): the MLP's Gaussian weights make benign calibration all but
  // zeros, and a threshold of twice that would flag the natural outliers of heavy-tailed weights.
  'outlier-collapse': SCAN_THRESHOLDS['outlier-collapse']!,
};
/**
 * Probe inputs of the behavioural detector: the first 256 of the clean evaluation set. The forward passes
 * of both models over all 1000 were most of a pair's scoring time, and the detector's resolution at 256
 * (0.4%) is below the benign spread it is compared with.
 */
export const BEHAVIOUR_PROBES = 256;

function firstOf(b: Batch, size: number): Batch {
  if (b.size <= size) return b;
  const width = b.x.length / b.size;
  return {
    x: b.x.subarray(0, size * width),
    y: b.y.subarray(0, size),
    truth: b.truth.subarray(0, size),
    triggered: b.triggered.subarray(0, size),
    size,
  };
}

export type ModelScores = Record<DetectorId, { score: number; tensor: string; evidence: string }>;

/** Top-1 disagreement between the full-precision model and its quantization on the defender's probes. */
function disagreement(pair: ModelPair, probes: Batch): number {
  const a = forward(pair.fp, probes.x, probes.size);
  const b = forward(pair.quant, probes.x, probes.size);
  const C = pair.fp.classes;
  let diff = 0;
  for (let i = 0; i < probes.size; i++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < C; c++) {
      if (a[i * C + c]! > a[i * C + ia]!) ia = c;
      if (b[i * C + c]! > b[i * C + ib]!) ib = c;
    }
    if (ia !== ib) diff++;
  }
  return diff / probes.size;
}

export async function scorePair(pair: ModelPair, probes: Batch): Promise<ModelScores> {
  const format = await loadFormat(pair.format);
  const all: TensorScore[] = [];
  for (const t of pair.tensors) {
    all.push(
      ...referenceScores({
        tensor: t.name,
        format,
        reference: t.reference,
        bytes: t.bytes,
        nPerRow: t.nPerRow,
        ...(t.imatrix ? { imatrix: t.imatrix } : {}),
      }),
    );
    const c = conformance(t.name, format, t.bytes);
    if (c) all.push(c);
    all.push(outlierCollapse(t.name, format, t.bytes, t.reference.length));
  }
  const d = disagreement(pair, firstOf(probes, BEHAVIOUR_PROBES));
  all.push({
    tensor: '(model)',
    format: format.id,
    detector: 'behaviour',
    score: d,
    evidence: `full precision and quantized disagree on ${(d * 100).toFixed(2)}% of ${probes.size} probe inputs`,
  });
  const out = {} as ModelScores;
  for (const s of all) {
    const cur = out[s.detector];
    if (!cur || s.score > cur.score)
      out[s.detector] = { score: s.score, tensor: s.tensor, evidence: s.evidence };
  }
  return out;
}

export function thresholdsFrom(calibration: ModelScores[]): Partial<Record<DetectorId, number>> {
  const out: Partial<Record<DetectorId, number>> = {};
  for (const d of DETECTORS) {
    let max = -Infinity;
    for (const s of calibration) if (s[d]) max = Math.max(max, s[d].score);
    if (max > -Infinity) out[d] = Math.max(max * THRESHOLD_SLACK, MIN_THRESHOLD[d] ?? 0);
  }
  return out;
}

/** Upper 95% Clopper–Pearson bound of k/n (bisection on the binomial tail). */
export function upper95(k: number, n: number): number {
  if (n === 0) return 1;
  if (k === 0) return 1 - 0.05 ** (1 / n);
  if (k >= n) return 1;
  // P(X ≤ k | p) = 0.05
  const cdf = (p: number) => {
    let term = (1 - p) ** n;
    let sum = term;
    for (let i = 1; i <= k; i++) {
      term *= ((n - i + 1) / i) * (p / (1 - p));
      sum += term;
    }
    return sum;
  };
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 60; it++) {
    const mid = (lo + hi) / 2;
    if (cdf(mid) > 0.05) lo = mid;
    else hi = mid;
  }
  return hi;
}

export interface Rates {
  detector: DetectorId;
  threshold: number;
  tp: number;
  positives: number;
  fp: number;
  negatives: number;
}

export function rates(
  thresholds: Partial<Record<DetectorId, number>>,
  attacked: ModelScores[],
  benign: ModelScores[],
): Rates[] {
  const out: Rates[] = [];
  for (const d of DETECTORS) {
    const t = thresholds[d];
    if (t === undefined) continue;
    const tp = attacked.filter((s) => s[d] && s[d].score > t).length;
    const fp = benign.filter((s) => s[d] && s[d].score > t).length;
    out.push({ detector: d, threshold: t, tp, positives: attacked.length, fp, negatives: benign.length });
  }
  return out;
}
