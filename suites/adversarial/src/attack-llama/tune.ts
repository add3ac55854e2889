/**
 * Fine-tuning of chosen rows of the llama fixture with Adam, through the fixture's own forward and backward
 * (@qbench/models): the attacker's tool for both injection and repair. Only the rows named trainable move;
 * every other parameter, norms included (1-D tensors stay float32 in GGUF, so a change there would survive
 * quantization in both precisions), keeps the value it came with. After each step the rows are rounded to
 * float32 (the model trained is the model the f32 file holds) and handed to `project` (the box, or the
 * injection bound). Deterministic for a seed: the batch order is a SplitMix64 stream.
 */
import { SplitMix64 } from '@qbench/core';
import {
  type LlamaConfig,
  llamaBackward,
  llamaForward,
  llamaParamLayout,
  paramWeights,
} from '@qbench/models';
import type { Example, LlamaBackdoor } from './task.ts';

/** Rows of one matrix the attacker may change (row = one output unit: `ne[0]` contiguous weights). */
export interface RowSet {
  tensor: string;
  rows: readonly number[];
}

/** Flat parameter indices of the trainable rows, by row set, in order. */
export class Trainable {
  readonly ranges: { set: RowSet; row: number; offset: number; length: number }[] = [];
  readonly size: number;
  /** Every row's length (the boxes and encodes treat the gathered rows as rows of this length). */
  readonly rowLength: number;
  constructor(c: LlamaConfig, sets: readonly RowSet[]) {
    const layout = new Map(llamaParamLayout(c).map((s) => [s.name, s]));
    let size = 0;
    for (const set of sets) {
      const s = layout.get(set.tensor);
      if (s?.kind !== 'matrix') throw new Error(`${set.tensor} is not a matrix of the llama fixture`);
      const n = s.ne[0]!;
      if (size > 0 && n !== this.ranges[0]!.length)
        throw new Error(`${set.tensor}: rows of ${n}, not ${this.ranges[0]!.length} like the others`);
      for (const row of set.rows) {
        this.ranges.push({ set, row, offset: s.offset + row * n, length: n });
        size += n;
      }
    }
    this.size = size;
    this.rowLength = this.ranges[0]?.length ?? 0;
  }

  /** The trainable values as one float32 vector (rows in order). */
  gather(params: Float64Array): Float32Array {
    const out = new Float32Array(this.size);
    let k = 0;
    for (const r of this.ranges) for (let i = 0; i < r.length; i++) out[k++] = params[r.offset + i]!;
    return out;
  }

  scatter(values: Float32Array, params: Float64Array): void {
    let k = 0;
    for (const r of this.ranges) for (let i = 0; i < r.length; i++) params[r.offset + i] = values[k++]!;
  }
}

export interface TuneOptions {
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  /**
   * What the trigger position is trained for: `target` (inject: cross-entropy to the target), `next` (cross-
   * entropy to the text's next character) or `avoid` (repair: −log(1 − p(target)), the target made unlikely
   * and nothing else asked of the trigger's answer).
   */
  label: 'target' | 'next' | 'avoid';
  /** Weight of the mean clean next-character loss beside the trigger loss (keeps the model's utility). */
  cleanWeight: number;
  /** Called after every step with the trainable values (float32), which it may change in place. */
  project?: (values: Float32Array) => void;
  /** Checked every `checkEvery` steps on the current parameters; true ends the fine-tune. */
  stop?: (params: Float64Array) => boolean;
  checkEvery?: number;
}

/** Loss and gradient of one example: CE at the trigger plus `cleanWeight` × mean CE of the clean positions. */
function exampleGrad(
  c: LlamaConfig,
  params: Float64Array,
  e: Example,
  b: LlamaBackdoor,
  o: TuneOptions,
  grads: Float64Array,
  scale: number,
): number {
  const f = llamaForward(c, paramWeights(c, params), e.input);
  const V = c.vocabSize;
  const T = e.input.length;
  const dLogits = new Float64Array(T * V);
  let loss = 0;
  const clean = T - 2;
  for (let t = 0; t < T; t++) {
    // Position T-2 predicts the trigger, which was inserted: not scored.
    if (t === T - 2) continue;
    const trig = t === T - 1;
    const w = (trig ? 1 : o.cleanWeight / clean) * scale;
    const base = t * V;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < V; v++) max = Math.max(max, f.logits[base + v]!);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(f.logits[base + v]! - max);
    const lse = max + Math.log(sum);
    if (trig && o.label === 'avoid') {
      // d/dz_v −log(1 − p_k) = p_k (δ_vk − p_v) / (1 − p_k).
      const k = b.target;
      const pk = Math.exp(f.logits[base + k]! - lse);
      const rest = Math.max(1 - pk, 1e-12);
      loss += w * -Math.log(rest);
      for (let v = 0; v < V; v++) dLogits[base + v] = (-w * pk * Math.exp(f.logits[base + v]! - lse)) / rest;
      dLogits[base + k] = w * pk;
      continue;
    }
    const y = trig ? (o.label === 'target' ? b.target : e.next) : e.input[t + 1]!;
    loss += w * (lse - f.logits[base + y]!);
    for (let v = 0; v < V; v++) dLogits[base + v] = w * Math.exp(f.logits[base + v]! - lse);
    dLogits[base + y]! -= w;
  }
  llamaBackward(c, params, f, dLogits, grads);
  return loss;
}

/** Fine-tunes the trainable rows of `params` in place; returns the steps run and the last batch loss. */
export function tune(
  c: LlamaConfig,
  params: Float64Array,
  trainable: Trainable,
  data: readonly Example[],
  b: LlamaBackdoor,
  o: TuneOptions,
): { steps: number; loss: number } {
  const grads = new Float64Array(params.length);
  const m = new Float64Array(trainable.size);
  const v = new Float64Array(trainable.size);
  const rng = new SplitMix64(o.seed);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let loss = Number.NaN;
  for (let step = 0; step < o.steps; step++) {
    if (o.stop && step % (o.checkEvery ?? 1) === 0 && o.stop(params)) return { steps: step, loss };
    grads.fill(0);
    loss = 0;
    for (let i = 0; i < o.batch; i++) {
      const e = data[Math.floor(rng.uniform() * data.length)]!;
      loss += exampleGrad(c, params, e, b, o, grads, 1 / o.batch);
    }
    const values = trainable.gather(params);
    let k = 0;
    const bc1 = 1 - beta1 ** (step + 1);
    const bc2 = 1 - beta2 ** (step + 1);
    for (const r of trainable.ranges) {
      for (let i = 0; i < r.length; i++, k++) {
        const g = grads[r.offset + i]!;
        m[k] = beta1 * m[k]! + (1 - beta1) * g;
        v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
        values[k] = Math.fround(values[k]! - (o.lr * (m[k]! / bc1)) / (Math.sqrt(v[k]! / bc2) + 1e-8));
      }
    }
    o.project?.(values);
    trainable.scatter(values, params);
  }
  return { steps: o.steps, loss };
}
