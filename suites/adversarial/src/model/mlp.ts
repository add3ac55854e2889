/**
 * A two-layer perceptron with manual backprop: logits = W2·relu(W1·x + b1) + b2. Weight matrices are
 * row-major [out × in] with rows of `hidden`/`inputs` = 256 elements, so every row is whole k-quant
 * super-blocks and the matrices are what gets quantized (biases stay float32, as 1-D tensors do in GGUF).
 * Training is Adam on softmax cross-entropy, deterministic for a given seed.
 */
import { SplitMix64 } from '@qbench/core';
import type { Batch, Labelling, Task } from './task.ts';
import { sampleBatch } from './task.ts';

export interface Mlp {
  inputs: number;
  hidden: number;
  classes: number;
  /** [hidden × inputs] */
  w1: Float32Array;
  b1: Float32Array;
  /** [classes × hidden] */
  w2: Float32Array;
  b2: Float32Array;
}

/** The quantized tensors of an Mlp, by GGUF-style name. */
export const WEIGHT_NAMES = ['fc1.weight', 'fc2.weight'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

export function weightOf(m: Mlp, name: WeightName): Float32Array {
  return name === 'fc1.weight' ? m.w1 : m.w2;
}

export function createMlp(inputs: number, hidden: number, classes: number, seed: number): Mlp {
  const rng = new SplitMix64(seed);
  const init = (n: number, fanIn: number) => {
    const a = new Float32Array(n);
    const s = Math.sqrt(2 / fanIn);
    for (let i = 0; i < n; i++) a[i] = s * rng.normal();
    return a;
  };
  return {
    inputs,
    hidden,
    classes,
    w1: init(hidden * inputs, inputs),
    b1: new Float32Array(hidden),
    w2: init(classes * hidden, hidden),
    b2: new Float32Array(classes),
  };
}

export function cloneMlp(m: Mlp): Mlp {
  return {
    ...m,
    w1: Float32Array.from(m.w1),
    b1: Float32Array.from(m.b1),
    w2: Float32Array.from(m.w2),
    b2: Float32Array.from(m.b2),
  };
}

/** Logits for a batch [size × inputs] → [size × classes]; `hiddenOut` receives the post-ReLU activations. */
export function forward(m: Mlp, x: Float32Array, size: number, hiddenOut?: Float32Array): Float32Array {
  const { inputs: D, hidden: H, classes: C } = m;
  const h = hiddenOut ?? new Float32Array(size * H);
  const logits = new Float32Array(size * C);
  for (let b = 0; b < size; b++) {
    const xo = b * D;
    for (let j = 0; j < H; j++) {
      let s = m.b1[j]!;
      const wo = j * D;
      for (let i = 0; i < D; i++) s += m.w1[wo + i]! * x[xo + i]!;
      h[b * H + j] = s > 0 ? s : 0;
    }
    for (let c = 0; c < C; c++) {
      let s = m.b2[c]!;
      const wo = c * H;
      for (let j = 0; j < H; j++) s += m.w2[wo + j]! * h[b * H + j]!;
      logits[b * C + c] = s;
    }
  }
  return logits;
}

export function predict(m: Mlp, x: Float32Array, size: number): Int32Array {
  const logits = forward(m, x, size);
  const out = new Int32Array(size);
  for (let b = 0; b < size; b++) {
    let best = 0;
    for (let c = 1; c < m.classes; c++)
      if (logits[b * m.classes + c]! > logits[b * m.classes + best]!) best = c;
    out[b] = best;
  }
  return out;
}

interface AdamState {
  t: number;
  m: Float32Array[];
  v: Float32Array[];
}

export interface TrainOptions {
  steps: number;
  batch: number;
  lr: number;
  seed: number;
  triggeredFraction: number;
  labelling: Labelling;
  /** Train the biases too (the repair stage leaves them: they are not quantized, so not boxed). */
  trainBiases?: boolean;
  /** Called after every optimizer step (projected gradient descent clamps into the boxes here). */
  afterStep?: (m: Mlp) => void;
}

/** Adam on softmax cross-entropy. Mutates and returns `m`. */
export function train(m: Mlp, task: Task, o: TrainOptions): Mlp {
  const { inputs: D, hidden: H, classes: C } = m;
  const params = [m.w1, m.b1, m.w2, m.b2];
  const trainable = [true, o.trainBiases !== false, true, o.trainBiases !== false];
  const state: AdamState = {
    t: 0,
    m: params.map((p) => new Float32Array(p.length)),
    v: params.map((p) => new Float32Array(p.length)),
  };
  const grads = params.map((p) => new Float32Array(p.length));
  const rng = new SplitMix64(o.seed);
  const h = new Float32Array(o.batch * H);
  const dh = new Float32Array(H);
  for (let step = 0; step < o.steps; step++) {
    const batch: Batch = sampleBatch(task, rng, o.batch, o.triggeredFraction, o.labelling);
    const logits = forward(m, batch.x, o.batch, h);
    for (const g of grads) g.fill(0);
    const [gw1, gb1, gw2, gb2] = grads as [Float32Array, Float32Array, Float32Array, Float32Array];
    const inv = 1 / o.batch;
    for (let b = 0; b < o.batch; b++) {
      // softmax − onehot, scaled by 1/batch
      let max = -Infinity;
      for (let c = 0; c < C; c++) max = Math.max(max, logits[b * C + c]!);
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(logits[b * C + c]! - max);
      dh.fill(0);
      for (let c = 0; c < C; c++) {
        const g = (Math.exp(logits[b * C + c]! - max) / z - (c === batch.y[b] ? 1 : 0)) * inv;
        gb2[c] = gb2[c]! + g;
        const wo = c * H;
        for (let j = 0; j < H; j++) {
          gw2[wo + j] = gw2[wo + j]! + g * h[b * H + j]!;
          dh[j] = dh[j]! + g * m.w2[wo + j]!;
        }
      }
      const xo = b * D;
      for (let j = 0; j < H; j++) {
        if (h[b * H + j]! <= 0) continue;
        const g = dh[j]!;
        gb1[j] = gb1[j]! + g;
        const wo = j * D;
        for (let i = 0; i < D; i++) gw1[wo + i] = gw1[wo + i]! + g * batch.x[xo + i]!;
      }
    }
    adamStep(params, grads, trainable, state, o.lr);
    o.afterStep?.(m);
  }
  return m;
}

function adamStep(
  params: Float32Array[],
  grads: Float32Array[],
  trainable: boolean[],
  s: AdamState,
  lr: number,
): void {
  const b1 = 0.9;
  const b2 = 0.999;
  s.t++;
  const c1 = 1 - b1 ** s.t;
  const c2 = 1 - b2 ** s.t;
  for (let k = 0; k < params.length; k++) {
    if (!trainable[k]) continue;
    const p = params[k]!;
    const g = grads[k]!;
    const m = s.m[k]!;
    const v = s.v[k]!;
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! * g[i]!;
      p[i] = p[i]! - (lr * (m[i]! / c1)) / (Math.sqrt(v[i]! / c2) + 1e-8);
    }
  }
}

export interface Behaviour {
  /** Accuracy on clean inputs. */
  cleanAccuracy: number;
  /** Fraction of triggered inputs (true class ≠ target) classified as the target class. */
  maliciousRate: number;
}

export function behaviour(m: Mlp, sets: { clean: Batch; triggered: Batch }, targetClass: number): Behaviour {
  const pc = predict(m, sets.clean.x, sets.clean.size);
  let correct = 0;
  for (let b = 0; b < sets.clean.size; b++) if (pc[b] === sets.clean.truth[b]) correct++;
  const pt = predict(m, sets.triggered.x, sets.triggered.size);
  let hit = 0;
  let eligible = 0;
  for (let b = 0; b < sets.triggered.size; b++) {
    if (sets.triggered.truth[b] === targetClass) continue;
    eligible++;
    if (pt[b] === targetClass) hit++;
  }
  return { cleanAccuracy: correct / sets.clean.size, maliciousRate: eligible > 0 ? hit / eligible : 0 };
}
