/**
 * The three-stage quantization-conditioned attack (Egashira et al., NeurIPS 2024 / ICML 2025) on the
 * in-project MLP:
 *   1. inject — fine-tune a benign model on the backdoor (triggered inputs → target class);
 *   2. constrain — quantize the injected model and build, per weight, the box inside which the quantized
 *      bytes cannot change (../intervals);
 *   3. repair — fine-tune on clean data (triggered inputs with their true labels), clamping every weight
 *      into its box after each step (projected gradient descent, as the authors' PGDCallback does).
 * The repaired full-precision model is benign; its quantization is byte-identical to the injected model's,
 * so it is malicious. Biases are not quantized (1-D tensors stay float32 in GGUF), hence not boxed: they
 * keep their injected values through repair.
 */
import type { Format } from '@qbench/core';
import {
  type Boxes,
  type BoxOptions,
  boxStats,
  buildBoxes,
  buildErrorBoxes,
  encodeWith,
  markChangedBlocks,
} from '@qbench/detectors/intervals';
import {
  type Behaviour,
  behaviour,
  cloneMlp,
  createMlp,
  type Mlp,
  train,
  WEIGHT_NAMES,
  type WeightName,
  weightOf,
} from '../model/mlp.ts';
import { DEFAULT_TASK, evalSets, makeTask, type Task, type TaskConfig } from '../model/task.ts';

export interface AttackConfig {
  task?: TaskConfig;
  taskSeed: number;
  modelSeed: number;
  hidden: number;
  benignSteps: number;
  injectSteps: number;
  /** Malicious rate at which injection stops. */
  injectTarget: number;
  injectLr: number;
  /** Injection bound in quantization steps of the target format (see injectionBounds). */
  injectKappa: number;
  repairSteps: number;
  batch: number;
  lr: number;
  repairLr: number;
  evalSize: number;
}

export const DEFAULT_ATTACK: AttackConfig = {
  taskSeed: 9,
  modelSeed: 1,
  hidden: 256,
  benignSteps: 400,
  injectSteps: 800,
  injectTarget: 0.9,
  injectLr: 5e-5,
  injectKappa: 1,
  repairSteps: 300,
  batch: 32,
  lr: 2e-3,
  repairLr: 1e-3,
  evalSize: 1000,
};

export interface Prepared {
  config: AttackConfig;
  task: Task;
  sets: ReturnType<typeof evalSets>;
  benign: Mlp;
  injected: Mlp;
}

/**
 * Per-weight bound of a format-targeted injection: κ × the local quantization step of the benign weight
 * (twice the largest |w − dequant(w)| of its group of 16). Fine-tuning an LLM moves weights far less than a
 * quantization step (that is why the published attacks find room in the boxes); a small model trained with
 * Adam moves them by many steps, so the attacker here bounds the injection to the same regime explicitly.
 */
export function injectionBounds(format: Format, m: Mlp, kappa: number): Record<WeightName, Float32Array> {
  const out = {} as Record<WeightName, Float32Array>;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(m, name);
    const nPerRow = name === 'fc1.weight' ? m.inputs : m.hidden;
    const deq = format.reference.decode(encodeWith(format, w, { nPerRow }), w.length);
    const eps = new Float32Array(w.length);
    for (let g = 0; g < w.length; g += 16) {
      let r = 0;
      for (let i = g; i < g + 16; i++) r = Math.max(r, Math.abs(w[i]! - deq[i]!));
      eps.fill(kappa * 2 * r, g, g + 16);
    }
    out[name] = eps;
  }
  return out;
}

/** Stage 1: a benign model, then the injected one fine-tuned from it (bounded when `target` is given). */
export function prepare(config: AttackConfig, target?: Format, trainedBenign?: Mlp): Prepared {
  const task = makeTask(config.taskSeed, config.task ?? DEFAULT_TASK);
  const sets = evalSets(task, config.taskSeed ^ 0xe7a1, config.evalSize);
  const { inputs, classes } = task.config;
  const benign =
    trainedBenign ??
    train(createMlp(inputs, config.hidden, classes, config.modelSeed), task, {
      steps: config.benignSteps,
      batch: config.batch,
      lr: config.lr,
      seed: config.modelSeed * 31 + 1,
      triggeredFraction: 0.3,
      labelling: 'clean',
    });
  // The attacker injects just enough: a backdoor with a small margin is one that the narrow boxes of fine
  // formats (q8_0) can still repair away in full precision. Injection stops at `injectTarget` on a monitor
  // set, and with a target format it is bounded to `injectKappa` quantization steps per weight.
  const monitor = evalSets(task, config.taskSeed ^ 0x3017, 300);
  const injected = cloneMlp(benign);
  const bounds = target ? injectionBounds(target, benign, config.injectKappa) : undefined;
  const project = (m: Mlp) => {
    if (!bounds) return;
    for (const name of WEIGHT_NAMES) {
      const w = weightOf(m, name);
      const b = weightOf(benign, name);
      const e = bounds[name];
      for (let i = 0; i < w.length; i++) w[i] = Math.min(b[i]! + e[i]!, Math.max(b[i]! - e[i]!, w[i]!));
    }
  };
  for (let done = 0; done < config.injectSteps; done += 5) {
    train(injected, task, {
      steps: 5,
      batch: config.batch,
      lr: config.injectLr,
      seed: config.modelSeed * 31 + 2 + done,
      triggeredFraction: 0.5,
      labelling: 'backdoor',
      // Only the quantized tensors carry the backdoor: a bias change would survive repair in both precisions.
      trainBiases: false,
      afterStep: project,
    });
    // The attacker's goal is the quantized model: with a target format, stop when ITS malicious rate
    // reaches the target (the full-precision injected model is only a means to it).
    const judged = target ? quantizeMlp(target, injected).model : injected;
    const b = behaviour(judged, monitor, task.config.targetClass);
    if (b.maliciousRate >= config.injectTarget) break;
  }
  return { config, task, sets, benign, injected };
}

export interface QuantizedMlp {
  bytes: Record<WeightName, Uint8Array>;
  /** The model the quantized file runs: dequantized weights, float32 biases. */
  model: Mlp;
}

export function quantizeMlp(
  format: Format,
  m: Mlp,
  imatrix?: Record<WeightName, Float32Array>,
): QuantizedMlp {
  const model = cloneMlp(m);
  const bytes = {} as Record<WeightName, Uint8Array>;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(m, name);
    const nPerRow = name === 'fc1.weight' ? m.inputs : m.hidden;
    const q = encodeWith(format, w, { nPerRow, ...(imatrix ? { imatrix: imatrix[name] } : {}) });
    bytes[name] = q;
    weightOf(model, name).set(format.reference.decode(q, w.length));
  }
  return { bytes, model };
}

export interface AttackResult {
  format: string;
  boxes: Record<WeightName, Boxes>;
  repaired: Mlp;
  /** The quantization of the repaired model (equal to the injected model's when the attack holds). */
  quantized: QuantizedMlp;
  bytesPreserved: boolean;
  /** True when the repair used the authors' error boxes with final-point verification (not sound boxes). */
  practicalBoxes: boolean;
  injectedFp: Behaviour;
  fp: Behaviour;
  quant: Behaviour;
  elapsedMs: number;
}

export function boxOptionsFor(m: Mlp, name: WeightName, seed: number): BoxOptions {
  return { nPerRow: name === 'fc1.weight' ? m.inputs : m.hidden, seed };
}

/** Stages 2 and 3 for one format. `repairSeed` varies the clean data stream of the repair. */
export function attackFormat(format: Format, p: Prepared, repairSeed = 1): AttackResult {
  const t0 = performance.now();
  const boxes = {} as Record<WeightName, Boxes>;
  let practical = false;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(p.injected, name);
    const options = boxOptionsFor(p.injected, name, repairSeed);
    let b = buildBoxes(format, w, options);
    if (boxStats(b, w).frozenFraction > 0.9) {
      // Sound boxes collapsed (searched scales): fall back to the authors' error boxes with trick1/trick2.
      b = buildErrorBoxes(format, w, { ...options, rounds: 1 });
      practical = true;
    }
    boxes[name] = b;
  }
  const repaired = repairInBoxes(format, p, boxes, repairSeed);
  const quantized = quantizeMlp(format, repaired);
  const bytesPreserved = WEIGHT_NAMES.every((name) => equalBytes(quantized.bytes[name], boxes[name].bytes));
  const target = p.task.config.targetClass;
  return {
    format: format.id,
    boxes,
    repaired,
    quantized,
    bytesPreserved,
    practicalBoxes: practical,
    injectedFp: behaviour(p.injected, p.sets, target),
    fp: behaviour(repaired, p.sets, target),
    quant: behaviour(quantized.model, p.sets, target),
    elapsedMs: performance.now() - t0,
  };
}

/**
 * Stage 3: projected gradient descent into the boxes. When the boxes are sound everywhere (all formats whose
 * sampled check passes) one pass suffices. Searched-scale formats whose sound boxes collapse get the
 * authors' practical variant: repair inside the raw error boxes, encode the result, reset and freeze every
 * block whose bytes changed, and repair again — the final point is verified by the real encoder, as the
 * authors' bytewise comparison does, even though not every point of those boxes would be.
 */
export function repairInBoxes(
  format: Format,
  p: Prepared,
  boxes: Record<WeightName, Boxes>,
  repairSeed: number,
): Mlp {
  let m = cloneMlp(p.injected);
  for (let pass = 0; pass < 5; pass++) {
    const clamp = (x: Mlp) => {
      for (const name of WEIGHT_NAMES) {
        const w = weightOf(x, name);
        const { lo, hi } = boxes[name];
        for (let i = 0; i < w.length; i++) {
          const v = w[i]!;
          w[i] = v < lo[i]! ? lo[i]! : v > hi[i]! ? hi[i]! : v;
        }
      }
    };
    m = train(m, p.task, {
      steps: pass === 0 ? p.config.repairSteps : Math.ceil(p.config.repairSteps / 4),
      batch: p.config.batch,
      lr: p.config.repairLr,
      seed: p.config.modelSeed * 31 + 100 + repairSeed + pass * 7,
      triggeredFraction: 0.5,
      labelling: 'clean',
      trainBiases: false,
      afterStep: clamp,
    });
    let changed = 0;
    for (const name of WEIGHT_NAMES) {
      const w = weightOf(m, name);
      const b = boxes[name];
      const q = encodeWith(format, w, boxOptionsFor(m, name, repairSeed));
      const bad = new Uint8Array(w.length / format.blockElements);
      changed += markChangedBlocks(b.bytes, q, format.blockBytes, bad);
      const be = format.blockElements;
      const last = pass >= 3;
      for (let blk = 0; blk < bad.length; blk++) {
        if (!bad[blk]) continue;
        // Halve the block's boxes toward their anchor (freeze there after three passes) and move the
        // block's weights back inside; the next pass repairs again from there.
        for (let i = blk * be; i < (blk + 1) * be; i++) {
          const a = b.anchor[i]!;
          b.lo[i] = last ? a : Math.fround(a - (a - b.lo[i]!) / 2);
          b.hi[i] = last ? a : Math.fround(a + (b.hi[i]! - a) / 2);
          if (last) b.frozen[i] = 1;
          w[i] = Math.min(b.hi[i]!, Math.max(b.lo[i]!, w[i]!));
        }
      }
    }
    if (changed === 0) break;
  }
  return m;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The attack "works": benign in full precision, malicious once quantized, bytes preserved. */
export function attackWorks(r: AttackResult): boolean {
  return r.bytesPreserved && r.quant.maliciousRate >= 0.8 && r.fp.maliciousRate <= 0.2;
}
