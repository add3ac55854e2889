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
 *                        sits on its grid (as after QAT or a GGUF → safetensors round trip).
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
import { cloneMlp, forward, type Mlp, WEIGHT_NAMES, type WeightName, weightOf } from '../model/mlp.ts';
import { sampleBatch } from '../model/task.ts';

export const BENIGN_VARIANTS = ['benign', 'benign-imatrix', 'injected', 'dequantized'] as const;
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

/** The benign pairs of one prepared seed for one format. */
export function benignPairs(p: Prepared, format: Format): ModelPair[] {
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
  return out;
}

export function attackedPair(p: Prepared, format: Format): ModelPair {
  const r = attackFormat(format, p, p.config.modelSeed);
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
