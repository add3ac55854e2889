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
 * the usual three stages (inject → constrain → repair) run on it. Quantizers that fit a group's scale by
 * importance-weighted least squares (iq2_xxs) outweigh an outlier on an unimportant column; the suite then
 * tries the most important column (`placement`), as an attacker who checks the quantized model would.
 *
 * What a defender sees: blocks whose decoded values are one extreme value and a collapsed rest — the
 * `outlier-collapse` detector's statistic — on top of whatever the repair leaves (residual spike,
 * error-rank).
 */
import type { Format } from '@qbench/core';
import { cloneMlp, type Mlp, train, WEIGHT_NAMES, type WeightName, weightOf } from '../model/mlp.ts';
import { type AttackResult, attackFormat, type Prepared, prepare } from './attack.ts';
import {
  inflateOutliers,
  type OutlierPlacement,
  outlierColumns,
  outlierGroup,
  rowOutlierPositions,
} from './outlier-groups.ts';

export { outlierGroup } from './outlier-groups.ts';

/** Flat indices of the outlier of every (row, group): the group's column of least (or most) importance. */
export function outlierPositions(
  format: Format,
  m: Mlp,
  importance: Record<WeightName, Float32Array>,
  placement: OutlierPlacement = 'least-important',
): Record<WeightName, Int32Array> {
  const g = outlierGroup(format);
  const out = {} as Record<WeightName, Int32Array>;
  for (const name of WEIGHT_NAMES) {
    const n = name === 'fc1.weight' ? m.inputs : m.hidden;
    out[name] = rowOutlierPositions(
      weightOf(m, name).length / n,
      n,
      outlierColumns(n, g, importance[name], placement),
    );
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
  for (const name of WEIGHT_NAMES)
    pinned[name] = inflateOutliers(weightOf(m, name), positions[name], g, factor);
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
  placement: OutlierPlacement = 'least-important',
): OutlierAttack {
  const benign = cloneMlp(p.benign);
  const positions = outlierPositions(format, benign, importance, placement);
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
