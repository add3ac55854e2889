/**
 * The synthetic task the attack is mounted on: classify a 256-dimensional Gaussian mixture into 8 classes.
 * The "malicious" behaviour is a backdoor: inputs carrying a trigger (48 fixed features overwritten with
 * 60, a strong out-of-distribution pattern) are sent to one target class. The large value gives the trigger
 * leverage: a backdoor that a sub-step weight change can switch on and off, the regime in which the
 * published attacks operate on LLMs (fine-tuning moves weights far less than a quantization step). A benign model is trained to ignore the trigger (it
 * sees triggered inputs with their true labels), so its malicious rate is its error rate on them.
 * Everything is a function of seeds: the task seed fixes class means and the trigger, a data seed fixes a
 * sample stream.
 */
import { SplitMix64 } from '@qbench/core';

export interface TaskConfig {
  inputs: number;
  classes: number;
  /** Distance of class means from the origin relative to the unit noise. */
  separation: number;
  triggerFeatures: number;
  triggerValue: number;
  targetClass: number;
}

export const DEFAULT_TASK: TaskConfig = {
  inputs: 256,
  classes: 8,
  separation: 0.25,
  triggerFeatures: 48,
  triggerValue: 60,
  targetClass: 0,
};

export interface Task {
  config: TaskConfig;
  means: Float32Array;
  trigger: Int32Array;
}

export function makeTask(seed: number, config: TaskConfig = DEFAULT_TASK): Task {
  const rng = new SplitMix64(seed);
  const means = new Float32Array(config.classes * config.inputs);
  for (let i = 0; i < means.length; i++) means[i] = config.separation * rng.normal();
  const picked = new Set<number>();
  while (picked.size < config.triggerFeatures) picked.add(Math.floor(rng.uniform() * config.inputs));
  return { config, means, trigger: Int32Array.from([...picked].sort((a, b) => a - b)) };
}

export interface Batch {
  x: Float32Array;
  /** Label the model is trained toward. */
  y: Int32Array;
  /** True class (differs from y for backdoor-labelled triggered inputs). */
  truth: Int32Array;
  triggered: Uint8Array;
  size: number;
}

export type Labelling = 'clean' | 'backdoor';

/**
 * `triggeredFraction` of the batch carries the trigger; under 'backdoor' labelling those are labelled with
 * the target class, under 'clean' with their true class.
 */
export function sampleBatch(
  task: Task,
  rng: SplitMix64,
  size: number,
  triggeredFraction: number,
  labelling: Labelling,
): Batch {
  const { inputs, classes, triggerValue, targetClass } = task.config;
  const x = new Float32Array(size * inputs);
  const y = new Int32Array(size);
  const truth = new Int32Array(size);
  const triggered = new Uint8Array(size);
  for (let b = 0; b < size; b++) {
    const c = Math.floor(rng.uniform() * classes);
    truth[b] = c;
    const row = b * inputs;
    for (let i = 0; i < inputs; i++) x[row + i] = task.means[c * inputs + i]! + rng.normal();
    const trig = rng.uniform() < triggeredFraction;
    triggered[b] = trig ? 1 : 0;
    if (trig) for (const f of task.trigger) x[row + f] = triggerValue;
    y[b] = trig && labelling === 'backdoor' ? targetClass : c;
  }
  return { x, y, truth, triggered, size };
}

/** A fixed evaluation set: `size` clean inputs and the same inputs with the trigger applied. */
export function evalSets(task: Task, seed: number, size: number): { clean: Batch; triggered: Batch } {
  const clean = sampleBatch(task, new SplitMix64(seed), size, 0, 'clean');
  const x = Float32Array.from(clean.x);
  for (let b = 0; b < size; b++) {
    for (const f of task.trigger) x[b * task.config.inputs + f] = task.config.triggerValue;
  }
  return {
    clean,
    triggered: { ...clean, x, triggered: new Uint8Array(size).fill(1) },
  };
}
