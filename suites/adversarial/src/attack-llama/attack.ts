/**
 * The three-stage quantization-conditioned attack (Egashira et al., "Exploiting LLM Quantization", 2024) on
 * the llama-architecture fixture, the model llama.cpp runs (../attack/attack.ts is the same attack on the
 * in-project MLP):
 *   0. widen (the searched-scale formats, wideningByFormat) — outliers injected into the repair's rows and the
 *      model re-tuned on clean text with them pinned (widen.ts), so the boxes of stage 2 have room;
 *   1. inject — fine-tune the trigger's embedding row and the target's output row of the benign fixture so
 *      the trigger is answered with the target (task.ts), bounded to κ quantization steps of the target
 *      format per weight, until the QUANTIZED model's malicious rate on a monitor set reaches
 *      `injectTarget` (the attacker's goal is the quantized file; stopping there keeps the margin small);
 *   2. constrain — the box of every weight the repair may move (repairRows): the full-precision values that
 *      encode to the injected model's bytes (@qbench/detectors/intervals, the MLP attack's construction);
 *   3. repair — fine-tune back to benign (the target made unlikely at the trigger, the clean next-character
 *      loss kept) by projected gradient descent inside the boxes; the final point is re-encoded and any block
 *      whose bytes moved is shrunk toward its anchor and repaired again, as ../attack/attack.ts does.
 * Rows outside the repair set keep the injected model's values, so their bytes are the injected model's. Every
 * row is encoded on its own (nPerRow = the row, 256 for every matrix of the fixture) in the formats attacked
 * here, so boxes are built over the gathered rows as if they were one tensor. Norms are never trained: they
 * stay float32 in GGUF, so a change there would show in both precisions.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Format } from '@qbench/core';
import {
  type Boxes,
  boxStats,
  buildBoxes,
  encodeWith,
  markChangedBlocks,
  searchedScales,
} from '@qbench/detectors/intervals';
import {
  ensureLlamaFixture,
  FIXTURE_CONFIG,
  FIXTURE_TEXT_PATH,
  LLAMA_FIXTURE_CONFIG,
  type LlamaConfig,
  llamaForward,
  llamaParamLayout,
  paramWeights,
  readLlamaFixtureWeights,
  splitText,
} from '@qbench/models';
import {
  type Behaviour,
  BehaviourMeter,
  type Example,
  examples,
  LLAMA_BACKDOOR,
  type LlamaBackdoor,
} from './task.ts';
import { type RowSet, Trainable, tune } from './tune.ts';
import { type Pinned, pinnedPositions, widenLlama } from './widen.ts';

export interface LlamaAttackConfig {
  backdoor: LlamaBackdoor;
  /** Examples drawn from the fixture's training text (inject and repair) and its held-out text (evaluation). */
  trainExamples: number;
  monitorExamples: number;
  evalExamples: number;
  batch: number;
  /** Share of the clean next-character loss beside the trigger loss. */
  cleanWeight: number;
  injectSteps: number;
  injectLr: number;
  /** Injection bound in quantization steps of the target format (../attack/attack.ts injectionBounds). */
  injectKappa: number;
  /**
   * Per-format bounds: the injection needs about the same absolute weight change in every format (≈0.015 on
   * the two rows), which is 1–2 steps of a 4-bit format and 20–25 of q8_0's.
   */
  injectKappaByFormat: Readonly<Record<string, number>>;
  /** Quantized malicious rate on the monitor set at which injection stops. */
  injectTarget: number;
  repairSteps: number;
  repairLr: number;
  /** The repair's objective at the trigger (tune.ts): the text's next character, or the target made unlikely. */
  repairLabel: 'next' | 'avoid';
  /** Rows the repair may move: repairRows' choice per format (`auto`), or every matrix for every format. */
  repairScope: 'auto' | 'all';
  /**
   * Formats whose boxes are widened by outlier injection before the attack (widen.ts): the searched-scale
   * formats, where the plain repair cannot make the full-precision model benign.
   */
  wideningByFormat: Readonly<Record<string, Widening>>;
  /** Outlier = factor × the group's largest other magnitude. */
  outlierFactor: number;
  /** Clean fine-tune steps with the outliers pinned. */
  widenSteps: number;
  seed: number;
}

export type Widening = 'none' | 'outliers';

/**
 * The test's size (and the default run's): q4_0 takes about 45 s end to end on two busy cores, llama.cpp
 * included; the searched-scale formats (widened) about a minute on two idle cores, most of it their grid boxes.
 */
export const QUICK_LLAMA_ATTACK: LlamaAttackConfig = {
  backdoor: LLAMA_BACKDOOR,
  trainExamples: 256,
  monitorExamples: 24,
  evalExamples: 64,
  batch: 4,
  cleanWeight: 1,
  injectSteps: 100,
  injectLr: 1e-3,
  injectKappa: 3,
  injectKappaByFormat: { q8_0: 25 },
  injectTarget: 0.95,
  repairSteps: 40,
  repairLr: 2e-3,
  repairLabel: 'avoid',
  repairScope: 'auto',
  wideningByFormat: { q4_k: 'outliers', iq4_xs: 'outliers' },
  outlierFactor: 4,
  widenSteps: 40,
  seed: 1,
};

/**
 * The nightly (--full) size: more examples, longer repair, and the whole model repaired in every format (grid
 * boxes of all 2,048 rows: about ten minutes per searched-scale format on two cores).
 */
export const FULL_LLAMA_ATTACK: LlamaAttackConfig = {
  ...QUICK_LLAMA_ATTACK,
  repairScope: 'all',
  trainExamples: 1024,
  monitorExamples: 64,
  evalExamples: 512,
  injectSteps: 150,
  repairSteps: 150,
};

export interface LlamaModel {
  c: LlamaConfig;
  /** Fixture folder (its key names the benign model). */
  dir: string;
  train: number[];
  heldOut: number[];
  /** The benign fixture's parameters (float32 values in float64). */
  params: Float64Array;
}

const ascii = (s: string) => Array.from(s, (ch) => ch.charCodeAt(0));

/** The benign fixture and its texts: the attacker trains on the training split, results use the held-out one. */
export async function loadLlamaModel(log?: (m: string) => void): Promise<LlamaModel> {
  const c = LLAMA_FIXTURE_CONFIG.model;
  const dir = await ensureLlamaFixture(log ? { log } : {});
  const weights = await readLlamaFixtureWeights(dir, c);
  const params = new Float64Array(llamaParamLayout(c).reduce((n, s) => n + s.size, 0));
  for (const s of llamaParamLayout(c)) params.set(weights.get(s.name)!, s.offset);
  const train = splitText(await readFile(FIXTURE_TEXT_PATH, 'utf8'), FIXTURE_CONFIG).train;
  const heldOut = ascii(await readFile(join(dir, 'eval.txt'), 'utf8'));
  return { c, dir, train, heldOut, params };
}

/** The rows the injection changes: the trigger's embedding and the target's output row. */
export function injectRows(b: LlamaBackdoor): RowSet[] {
  return [
    { tensor: 'token_embd.weight', rows: [b.trigger] },
    { tensor: 'output.weight', rows: [b.target] },
  ];
}

/**
 * The rows the repair may move inside their boxes. Formats with exact cell boxes (plain scales: q4_0, q8_0)
 * box the whole model in seconds, so the repair gets every matrix, as in the paper. Searched-scale formats
 * (k- and i-quants) need grid boxes, about a quarter second per 256-weight row on two cores, so there the
 * repair gets the trigger's embedding, every output row and every row of each block's ffn_down (385 rows):
 * the benign answers at the trigger can be raised as well as the target lowered, and ffn_down writes the
 * residual stream the output reads. Measured on q4_0 in the test's config (repair toward the next
 * character): with the injected rows and the output rows alone the repaired f32 model stayed 70% malicious,
 * with ffn_down added 0%; on q8_0 (a step 16 times finer) output + ffn_down left 58%, the whole model 0%.
 */
export function repairRows(
  c: LlamaConfig,
  b: LlamaBackdoor,
  format: Format,
  scope: LlamaAttackConfig['repairScope'] = 'auto',
): RowSet[] {
  const all = (n: number) => Array.from({ length: n }, (_, i) => i);
  if (scope === 'all' || !searchedScales(format, { nPerRow: c.dModel }))
    return llamaParamLayout(c)
      .filter((s) => s.kind === 'matrix')
      .map((s) => ({ tensor: s.name, rows: all(s.ne[1]!) }));
  const sets: RowSet[] = [
    { tensor: 'token_embd.weight', rows: [b.trigger] },
    { tensor: 'output.weight', rows: all(c.vocabSize) },
  ];
  for (let l = 0; l < c.nLayers; l++) sets.push({ tensor: `blk.${l}.ffn_down.weight`, rows: all(c.dModel) });
  return sets;
}

/** Every matrix quantized and decoded in `format` (the quantized file's weights, float64 forward). */
export function quantizedParams(c: LlamaConfig, format: Format, params: Float64Array): Float64Array {
  const out = Float64Array.from(params);
  for (const s of llamaParamLayout(c)) {
    if (s.kind !== 'matrix') continue;
    const x = Float32Array.from(params.subarray(s.offset, s.offset + s.size));
    out.set(format.reference.decode(encodeWith(format, x, { nPerRow: s.ne[0]! }), x.length), s.offset);
  }
  return out;
}

/** Behaviour of the float64 TypeScript forward of `params` on `set`. */
export function tsBehaviour(
  c: LlamaConfig,
  b: LlamaBackdoor,
  params: Float64Array,
  set: readonly Example[],
): Behaviour {
  const w = paramWeights(c, params);
  const meter = new BehaviourMeter(b, c.vocabSize);
  for (const e of set) meter.add(e, llamaForward(c, w, e.input).logits);
  return meter.result();
}

export interface LlamaPrepared {
  config: LlamaAttackConfig;
  format: Format;
  model: LlamaModel;
  trainable: Trainable;
  trainSet: Example[];
  monitor: Example[];
  evalSet: Example[];
  /** The model injection started from: the benign fixture, or its widened copy (widen.ts). */
  base: Float64Array;
  widening: Widening;
  /** The widened model's outliers, held through injection and repair. */
  pinned?: Pinned;
  injected: Float64Array;
  injectSteps: number;
}

/** Per-weight injection bound: κ × twice the largest |w − dequant(w)| of each group of 16 (a local step). */
function injectionBounds(format: Format, w: Float32Array, nPerRow: number, kappa: number): Float32Array {
  const deq = format.reference.decode(encodeWith(format, w, { nPerRow }), w.length);
  const eps = new Float32Array(w.length);
  for (let g = 0; g < w.length; g += 16) {
    let r = 0;
    for (let i = g; i < g + 16; i++) r = Math.max(r, Math.abs(w[i]! - deq[i]!));
    eps.fill(kappa * 2 * r, g, g + 16);
  }
  return eps;
}

/** Quantized rows of the trainable set in `format`, written back over a quantized copy of the rest. */
function quantizedTrainable(
  format: Format,
  trainable: Trainable,
  base: Float64Array,
  params: Float64Array,
  nPerRow: number,
): Float64Array {
  const out = Float64Array.from(base);
  const v = trainable.gather(params);
  trainable.scatter(format.reference.decode(encodeWith(format, v, { nPerRow }), v.length), out);
  return out;
}

/** Stage 1 for one target format. */
export function injectLlama(format: Format, model: LlamaModel, config: LlamaAttackConfig): LlamaPrepared {
  const { c } = model;
  const b = config.backdoor;
  const trainable = new Trainable(c, injectRows(b));
  const nPerRow = trainable.rowLength;
  const trainSet = examples(model.train, b, config.trainExamples, config.seed * 7 + 1);
  const monitor = examples(model.train, b, config.monitorExamples, config.seed * 7 + 2);
  const evalSet = examples(model.heldOut, b, config.evalExamples, config.seed * 7 + 3);
  const widening = config.wideningByFormat[format.id] ?? 'none';
  const widened =
    widening === 'outliers'
      ? widenLlama(
          format,
          model,
          config,
          new Trainable(c, repairRows(c, b, format, config.repairScope)),
          trainSet,
        )
      : undefined;
  const base = widened?.params ?? model.params;
  const benign = trainable.gather(base);
  const eps = injectionBounds(
    format,
    benign,
    nPerRow,
    config.injectKappaByFormat[format.id] ?? config.injectKappa,
  );
  // Pinned outliers get no room.
  if (widened) for (const i of pinnedPositions(trainable, widened.pinned).at) eps[i] = 0;
  const quantBase = quantizedParams(c, format, base);
  const injected = Float64Array.from(base);
  const r = tune(c, injected, trainable, trainSet, b, {
    steps: config.injectSteps,
    batch: config.batch,
    lr: config.injectLr,
    seed: config.seed * 31 + 2,
    label: 'target',
    cleanWeight: config.cleanWeight,
    project: (v) => {
      for (let i = 0; i < v.length; i++)
        v[i] = Math.min(
          Math.fround(benign[i]! + eps[i]!),
          Math.max(Math.fround(benign[i]! - eps[i]!), v[i]!),
        );
    },
    // The attacker's goal is the quantized model: stop once IT answers the trigger with the target.
    stop: (p) =>
      tsBehaviour(c, b, quantizedTrainable(format, trainable, quantBase, p, nPerRow), monitor)
        .maliciousRate >= config.injectTarget,
    checkEvery: 2,
  });
  return {
    config,
    format,
    model,
    trainable,
    trainSet,
    monitor,
    evalSet,
    base,
    widening,
    ...(widened ? { pinned: widened.pinned } : {}),
    injected,
    injectSteps: r.steps,
  };
}

export interface LlamaAttack {
  prepared: LlamaPrepared;
  boxes: Boxes;
  /** Box width relative to |w| and frozen share over the trainable rows. */
  boxWidthRel: number;
  boxFrozenFraction: number;
  repaired: Float64Array;
  /** The rows the repair moved (boxes are over these, in order). */
  repairTrainable: Trainable;
  /** The repaired rows encode to the injected rows' bytes (so the whole quantized file is the injected one's). */
  bytesPreserved: boolean;
  repairPasses: number;
}

/** Stages 2 and 3. */
export function repairLlama(p: LlamaPrepared, repairSeed = 1): LlamaAttack {
  const { c } = p.model;
  const { format, config } = p;
  const trainable = new Trainable(c, repairRows(c, config.backdoor, format, config.repairScope));
  const nPerRow = trainable.rowLength;
  const injectedRows = trainable.gather(p.injected);
  const options = { nPerRow, seed: repairSeed };
  const boxes = buildBoxes(format, injectedRows, options);
  // Pinned outliers are held at their boxes' anchors (they set their groups' scales). A grid box's anchor is
  // the weight's decoded value, not the weight: held at the injected float value instead, the outliers let the
  // scale search pick other scales and the bytes move (measured on q4_k: every block changed, repair failed).
  if (p.pinned)
    for (const i of pinnedPositions(trainable, p.pinned).at) boxes.lo[i] = boxes.hi[i] = boxes.anchor[i]!;
  const stats = boxStats(boxes, injectedRows);
  const repaired = Float64Array.from(p.injected);
  const clamp = (v: Float32Array) => {
    for (let i = 0; i < v.length; i++)
      v[i] = v[i]! < boxes.lo[i]! ? boxes.lo[i]! : v[i]! > boxes.hi[i]! ? boxes.hi[i]! : v[i]!;
  };
  let passes = 0;
  let changed = 0;
  for (let pass = 0; pass < 5; pass++) {
    passes++;
    tune(c, repaired, trainable, p.trainSet, config.backdoor, {
      steps: pass === 0 ? config.repairSteps : Math.ceil(config.repairSteps / 4),
      batch: config.batch,
      lr: config.repairLr,
      seed: config.seed * 31 + 100 + repairSeed + pass * 7,
      label: config.repairLabel,
      cleanWeight: config.cleanWeight,
      project: clamp,
    });
    // Verified by the real encoder: a block whose bytes moved has its boxes halved toward the anchor (frozen
    // there from the fourth pass) and is repaired again.
    const v = trainable.gather(repaired);
    const bad = new Uint8Array(v.length / format.blockElements);
    changed = markChangedBlocks(boxes.bytes, encodeWith(format, v, options), format.blockBytes, bad);
    if (changed === 0) break;
    const be = format.blockElements;
    for (let blk = 0; blk < bad.length; blk++) {
      if (!bad[blk]) continue;
      for (let i = blk * be; i < (blk + 1) * be; i++) {
        const a = boxes.anchor[i]!;
        boxes.lo[i] = pass >= 3 ? a : Math.fround(a - (a - boxes.lo[i]!) / 2);
        boxes.hi[i] = pass >= 3 ? a : Math.fround(a + (boxes.hi[i]! - a) / 2);
        v[i] = Math.min(boxes.hi[i]!, Math.max(boxes.lo[i]!, v[i]!));
      }
    }
    trainable.scatter(v, repaired);
  }
  return {
    prepared: p,
    boxes,
    boxWidthRel: stats.meanWidthRel,
    boxFrozenFraction: stats.frozenFraction,
    repaired,
    repairTrainable: trainable,
    bytesPreserved: changed === 0,
    repairPasses: passes,
  };
}
