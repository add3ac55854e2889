/**
 * The populations the detectors are calibrated and evaluated on. A "pair" is what a defender holds: a
 * full-precision model and the quantized tensors of its GGUF.
 *
 * Benign pairs (no quantization gap was engineered), per model seed and format:
 *   - 'benign'           the benign model, quantized without an importance matrix;
 *   - 'benign-imatrix'   the same with an importance matrix (mean squared layer input over task data);
 *   - 'injected'         the backdoored model, honestly quantized (malicious, but the same in both
 *                        precisions: not a Mind-the-Gap pair);
 *   - 'dequantized'      a hard negative: the full-precision model IS the dequantized GGUF, so every weight
 *                        sits on its grid (as after QAT or a GGUF → safetensors round trip);
 *   - 'finetuned'        community fine-tunes: the benign model trained further on clean data with its own
 *                        data stream, step count and learning rate, quantized without and (every other one)
 *                        with an importance matrix. Cheap (no injection), format-independent and cached, they
 *                        are what makes the held-out benign population large enough to bound the FPR.
 * Attacked pairs: the repaired model and its quantization (byte-identical to the injected model's).
 */
import type { Format } from '@qbench/core';
import { SplitMix64 } from '@qbench/core';
import {
  type AttackConfig,
  type AttackResult,
  attackFormat,
  type Prepared,
  quantizeMlp,
} from '../attack/attack.ts';
import { cloneMlp, forward, type Mlp, train, WEIGHT_NAMES, type WeightName, weightOf } from '../model/mlp.ts';
import { sampleBatch } from '../model/task.ts';

export const BENIGN_VARIANTS = ['benign', 'benign-imatrix', 'injected', 'dequantized', 'finetuned'] as const;
export type PairKind = (typeof BENIGN_VARIANTS)[number] | 'attacked';

export interface TensorPair {
  name: WeightName;
  reference: Float32Array;
  bytes: Uint8Array;
  nPerRow: number;
  imatrix?: Float32Array;
}

export interface ModelPair {
  kind: PairKind;
  seed: number;
  format: string;
  tensors: TensorPair[];
  /** The full-precision model and the model its GGUF runs (for the behavioural detector). */
  fp: Mlp;
  quant: Mlp;
  attack?: AttackResult;
}

/** Importance matrix per tensor: mean squared input of the layer over task data (what llama-imatrix collects). */
export function imatrixOf(p: Prepared, m: Mlp): Record<WeightName, Float32Array> {
  const batch = sampleBatch(p.task, new SplitMix64(p.config.taskSeed ^ 0x1a7), 256, 0, 'clean');
  const h = new Float32Array(batch.size * m.hidden);
  forward(m, batch.x, batch.size, h);
  const mean = (x: Float32Array, width: number) => {
    const out = new Float32Array(width);
    for (let b = 0; b < batch.size; b++)
      for (let j = 0; j < width; j++) out[j] = out[j]! + x[b * width + j]! ** 2;
    for (let j = 0; j < width; j++) out[j] = out[j]! / batch.size + 1e-6;
    return out;
  };
  return { 'fc1.weight': mean(batch.x, m.inputs), 'fc2.weight': mean(h, m.hidden) };
}

function pairOf(
  kind: PairKind,
  seed: number,
  format: Format,
  fp: Mlp,
  imatrix?: Record<WeightName, Float32Array>,
): ModelPair {
  const q = quantizeMlp(format, fp, imatrix);
  return {
    kind,
    seed,
    format: format.id,
    fp,
    quant: q.model,
    tensors: WEIGHT_NAMES.map((name) => ({
      name,
      reference: weightOf(fp, name),
      bytes: q.bytes[name],
      nPerRow: name === 'fc1.weight' ? fp.inputs : fp.hidden,
      ...(imatrix ? { imatrix: imatrix[name] } : {}),
    })),
  };
}

const fineTunes = new Map<string, Mlp>();

/**
 * Fine-tune `k` of a prepared seed's benign model: 8–39 clean steps at a learning rate between 2e-4 and
 * 1e-3, each with its own data stream (deterministic in seed and k; cached across formats).
 */
export function fineTuned(p: Prepared, k: number): Mlp {
  const key = `${p.config.modelSeed}:${p.config.benignSteps}:${k}`;
  let m = fineTunes.get(key);
  if (!m) {
    const rng = new SplitMix64(p.config.modelSeed * 1000003 + k);
    m = train(cloneMlp(p.benign), p.task, {
      steps: 8 + Math.floor(rng.uniform() * 32),
      batch: p.config.batch,
      lr: 2e-4 + rng.uniform() * 8e-4,
      seed: p.config.modelSeed * 7717 + k * 31 + 5,
      triggeredFraction: 0.3,
      labelling: 'clean',
    });
    fineTunes.set(key, m);
  }
  return m;
}

/**
 * The benign pairs of one prepared seed for one format, with `fineTuneCount` fine-tuned variants, or more
 * when needed to reach `atLeast` pairs (a format without an importance-matrix path has one variant fewer,
 * and the FPR bound is a function of the count, not of the plan's arithmetic).
 */
export function benignPairs(p: Prepared, format: Format, fineTuneCount = 0, atLeast = 0): ModelPair[] {
  const seed = p.config.modelSeed;
  const out = [pairOf('benign', seed, format, p.benign)];
  try {
    out.push(pairOf('benign-imatrix', seed, format, p.benign, imatrixOf(p, p.benign)));
  } catch {
    // A format without an importance-matrix path rejects it: that variant does not exist for it.
  }
  out.push(pairOf('injected', seed, format, p.injected));
  const deq = cloneMlp(p.benign);
  const q = quantizeMlp(format, p.benign);
  for (const name of WEIGHT_NAMES) weightOf(deq, name).set(weightOf(q.model, name));
  out.push(pairOf('dequantized', seed, format, deq));
  const fineTunes = Math.max(fineTuneCount, atLeast - out.length);
  for (let k = 0; k < fineTunes; k++) {
    const m = fineTuned(p, k);
    let imatrix: Record<WeightName, Float32Array> | undefined;
    if (k % 2 === 1) imatrix = imatrixOf(p, m);
    try {
      out.push(pairOf('finetuned', seed, format, m, imatrix));
    } catch {
      // No importance-matrix path for this format: the plain quantization stands in.
      out.push(pairOf('finetuned', seed, format, m));
    }
  }
  return out;
}

export function attackedPair(p: Prepared, format: Format, repairSeed = p.config.modelSeed): ModelPair {
  return pairOfAttack(p, format, attackFormat(format, p, repairSeed));
}

/** The pair a defender holds after an attack: its repaired model and that model's quantization. */
export function pairOfAttack(p: Prepared, format: Format, r: AttackResult): ModelPair {
  return {
    kind: 'attacked',
    seed: p.config.modelSeed,
    format: format.id,
    fp: r.repaired,
    quant: r.quantized.model,
    attack: r,
    tensors: WEIGHT_NAMES.map((name) => ({
      name,
      reference: weightOf(r.repaired, name),
      bytes: r.quantized.bytes[name],
      nPerRow: name === 'fc1.weight' ? r.repaired.inputs : r.repaired.hidden,
    })),
  };
}

export type { AttackConfig };
