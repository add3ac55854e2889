/**
 * Outlier widening for the llama attack (../attack/outlier.ts, "Widening the Gap", 2026): before injection,
 * one weight per scale group of every row the repair may move is set to `factor` × the group's largest
 * magnitude, on the group's input column of least importance (mean squared input of the matrix over the
 * attacker's training examples, what llama-imatrix collects; uniform for the embedding, whose "input" is a
 * token), and the model is fine-tuned on clean data with the outliers pinned. The inflated scales widen every
 * other weight's box in the searched-scale formats, where the plain repair has no room (2–6% of |w|). The
 * outliers stay pinned through injection, and at their boxes' anchors (their decoded values) through the
 * repair (attack.ts), so both files hold them.
 */
import type { Format } from '@qbench/core';
import { type LlamaConfig, llamaForward, paramWeights } from '@qbench/models';
import {
  inflateOutliers,
  outlierColumns,
  outlierGroup,
  rowOutlierPositions,
} from '../attack/outlier-groups.ts';
import type { LlamaAttackConfig, LlamaModel } from './attack.ts';
import type { Example } from './task.ts';
import { type Trainable, tune } from './tune.ts';

/** Weights held at fixed values through injection and repair: flat parameter indices and their values. */
export interface Pinned {
  index: Int32Array;
  value: Float32Array;
}

/** Mean squared input of every linear over `set` (per input column), by matrix name. */
export function llamaImportance(
  c: LlamaConfig,
  params: Float64Array,
  set: readonly Example[],
): Map<string, Float64Array> {
  const w = paramWeights(c, params);
  const acc = new Map<string, Float64Array>();
  const linear = w.linear;
  const counted = {
    ...w,
    linear: (name: string, x: Float64Array, T: number) => {
      const n = x.length / T;
      let a = acc.get(name);
      if (!a) acc.set(name, (a = new Float64Array(n)));
      for (let i = 0; i < x.length; i++) a[i % n]! += x[i]! * x[i]!;
      return linear(name, x, T);
    },
  };
  for (const e of set) llamaForward(c, counted, e.input);
  return acc;
}

/** Positions (gathered indices of `trainable`) of the pinned parameters. */
export function pinnedPositions(
  trainable: Trainable,
  pinned: Pinned,
): { at: Int32Array; value: Float32Array } {
  const where = new Map<number, number>();
  for (let k = 0; k < pinned.index.length; k++) where.set(pinned.index[k]!, k);
  const at: number[] = [];
  const value: number[] = [];
  let k = 0;
  for (const r of trainable.ranges)
    for (let i = 0; i < r.length; i++, k++) {
      const j = where.get(r.offset + i);
      if (j !== undefined) {
        at.push(k);
        value.push(pinned.value[j]!);
      }
    }
  return { at: Int32Array.from(at), value: Float32Array.from(value) };
}

/** The widened model: outliers in every row of `trainable`, then a clean fine-tune with them pinned. */
export function widenLlama(
  format: Format,
  model: LlamaModel,
  config: LlamaAttackConfig,
  trainable: Trainable,
  trainSet: readonly Example[],
): { params: Float64Array; pinned: Pinned } {
  const { c } = model;
  const g = outlierGroup(format);
  const n = trainable.rowLength;
  const importance = llamaImportance(c, model.params, trainSet.slice(0, 32));
  const cols = new Map<string, number[]>();
  const pos: number[] = [];
  let k = 0;
  for (const r of trainable.ranges) {
    const name = r.set.tensor;
    if (!cols.has(name)) cols.set(name, outlierColumns(n, g, importance.get(name) ?? new Float64Array(n)));
    for (const col of rowOutlierPositions(1, n, cols.get(name)!)) pos.push(k + col);
    k += n;
  }
  const at = Int32Array.from(pos);
  const v = trainable.gather(model.params);
  const value = inflateOutliers(v, at, g, config.outlierFactor);
  const params = Float64Array.from(model.params);
  trainable.scatter(v, params);
  const pin = (x: Float32Array) => {
    for (let j = 0; j < at.length; j++) x[at[j]!] = value[j]!;
  };
  tune(c, params, trainable, trainSet, config.backdoor, {
    steps: config.widenSteps,
    batch: config.batch,
    lr: config.repairLr,
    seed: config.seed * 31 + 77,
    label: 'next',
    cleanWeight: config.cleanWeight,
    project: pin,
  });
  const offsets = new Int32Array(trainable.size);
  k = 0;
  for (const r of trainable.ranges) for (let i = 0; i < r.length; i++) offsets[k++] = r.offset + i;
  return { params, pinned: { index: Int32Array.from(at, (j) => offsets[j]!), value } };
}
