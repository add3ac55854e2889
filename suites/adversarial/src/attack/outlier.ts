/**
 * Outlier injection ("Widening the Gap: Exploiting LLM Quantization via Outlier Injection", Zhan, Egashira,
 * Staab, Vero, Vechev, arXiv 2605.15152), reproduced on the in-project MLP.
 *
 * The Mind-the-Gap attack can only move a weight inside the set of values that quantize to the same bytes,
 * and for searched-scale formats (k-quants, i-quants) that set is narrow. An injected outlier widens it: one
 * weight per scale group set to `factor` × the group's largest magnitude becomes the group's scale, so every
 * other weight of the group lands on a much coarser grid — most of them on the zero level — and its cell,
 * hence the attacker's box, grows with the scale. The outlier goes where it costs the full-precision model
 * least: on the input column with the smallest mean squared activation (what llama-imatrix collects), and
 * the model is then fine-tuned on clean data with the outliers pinned, so it is benign and accurate before
 * the usual three stages (inject → constrain → repair) run on it.
 *
 * What a defender sees: blocks whose decoded values are one extreme value and a collapsed rest — the
 * `outlier-collapse` detector's statistic — on top of whatever the repair leaves (residual spike,
 * error-rank).
 */
import type { Format } from '@qbench/core';
import { cloneMlp, type Mlp, train, WEIGHT_NAMES, type WeightName, weightOf } from '../model/mlp.ts';
import { type AttackResult, attackFormat, type Prepared, prepare } from './attack.ts';

/** Scale group an outlier is placed in: the format's smallest scale group, at most 32 elements. */
export function outlierGroup(format: Format): number {
  return Math.min(format.blockElements, 32);
}

/** Flat indices of the outlier of every (row, group): the group's column with the least importance. */
export function outlierPositions(
  format: Format,
  m: Mlp,
  importance: Record<WeightName, Float32Array>,
): Record<WeightName, Int32Array> {
  const g = outlierGroup(format);
  const out = {} as Record<WeightName, Int32Array>;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(m, name);
    const n = name === 'fc1.weight' ? m.inputs : m.hidden;
    const imp = importance[name];
    const cols: number[] = [];
    for (let c0 = 0; c0 < n; c0 += g) {
      let best = c0;
      for (let c = c0; c < Math.min(n, c0 + g); c++) if (imp[c]! < imp[best]!) best = c;
      cols.push(best);
    }
    const pos = new Int32Array((w.length / n) * cols.length);
    let k = 0;
    for (let r = 0; r < w.length / n; r++) for (const c of cols) pos[k++] = r * n + c;
    out[name] = pos;
  }
  return out;
}

/** Sets each outlier to sign(w) · factor · (largest |w| of its group); returns the pinned values. */
export function setOutliers(
  format: Format,
  m: Mlp,
  positions: Record<WeightName, Int32Array>,
  factor: number,
): Record<WeightName, Float32Array> {
  const g = outlierGroup(format);
  const pinned = {} as Record<WeightName, Float32Array>;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(m, name);
    const pos = positions[name];
    const v = new Float32Array(pos.length);
    for (let k = 0; k < pos.length; k++) {
      const i = pos[k]!;
      const start = i - (i % g);
      let amax = 0;
      for (let j = start; j < start + g; j++) if (j !== i) amax = Math.max(amax, Math.abs(w[j]!));
      v[k] = Math.fround((w[i]! < 0 ? -1 : 1) * factor * amax);
      w[i] = v[k]!;
    }
    pinned[name] = v;
  }
  return pinned;
}

export interface OutlierAttack {
  /** The benign model with its outliers, fine-tuned with them pinned. */
  benign: Mlp;
  positions: Record<WeightName, Int32Array>;
  prepared: Prepared;
  result: AttackResult;
}

/**
 * The whole attack: outliers into the benign model of `p`, a clean fine-tune with them pinned (`recoverSteps`),
 * then stage 1 (bounded injection toward `format`) and stages 2–3 on that model.
 */
export function outlierAttack(
  format: Format,
  p: Prepared,
  importance: Record<WeightName, Float32Array>,
  factor: number,
  recoverSteps = 100,
  repairSeed = 1,
): OutlierAttack {
  const benign = cloneMlp(p.benign);
  const positions = outlierPositions(format, benign, importance);
  const pinned = setOutliers(format, benign, positions, factor);
  const pin = (x: Mlp) => {
    for (const name of WEIGHT_NAMES) {
      const w = weightOf(x, name);
      const pos = positions[name];
      const v = pinned[name];
      for (let k = 0; k < pos.length; k++) w[pos[k]!] = v[k]!;
    }
  };
  train(benign, p.task, {
    steps: recoverSteps,
    batch: p.config.batch,
    lr: p.config.repairLr,
    seed: p.config.modelSeed * 31 + 77,
    triggeredFraction: 0.3,
    labelling: 'clean',
    afterStep: pin,
  });
  const prepared = prepare(p.config, format, benign);
  return { benign, positions, prepared, result: attackFormat(format, prepared, repairSeed) };
}
