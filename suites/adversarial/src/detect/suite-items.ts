/**
 * The quantization-conditioned backdoor work items of the adversarial suite (issue #9):
 *   adversarial/boxes/<format>   box construction + sampling check on a trained layer, every format with
 *                                a reference encoder;
 *   adversarial/attack/<format>  the three-stage attack on the in-project MLP;
 *   adversarial/detect           benign/attacked populations, thresholds, TPR/FPR per format × detector.
 * Trained models are cached per process (training is deterministic, so shards agree).
 */
import { type Format, imatrixDetails, listSpecs, loadFormat, requiresImatrix } from '@qbench/core';
import type { DetectorId } from '@qbench/detectors';
import { boxStats, buildBoxes, checkBoxes } from '@qbench/detectors/intervals';
import { METRIC, type MetricName, type ResultRecord, type SuiteOptions, type WorkItem } from '@qbench/spec';
import { type AdaptiveResult, adaptAttack } from '../attack/adaptive.ts';
import {
  type AttackConfig,
  attackFormat,
  attackWorks,
  DEFAULT_ATTACK,
  type Prepared,
  prepare,
} from '../attack/attack.ts';
import { outlierAttack } from '../attack/outlier.ts';
import type { OutlierPlacement } from '../attack/outlier-groups.ts';
import { weightOf } from '../model/mlp.ts';
import { type ModelScores, rates, scorePair, thresholdsFrom, upper95 } from './evaluate.ts';
import { attackedPair, benignPairs, imatrixOf, pairOfAttack } from './population.ts';

/** Formats the attack and the detectors are evaluated on (the required set plus q5_0, fp4, q2_k, q3_k). */
export const ATTACK_FORMATS = [
  'q8_0',
  'q4_0',
  'q5_0',
  'nf4',
  'fp4',
  'q2_k',
  'q3_k',
  'q4_k',
  'q5_k',
  'q6_k',
] as const;
const QUICK_ATTACK_FORMATS = ['q4_0', 'nf4', 'q4_k'] as const;
/**
 * Formats the detectors are evaluated on by default: the required set. Each is its own work item
 * (about a minute on two cores); pass --format to evaluate others.
 */
const DETECT_FORMATS = ['q4_0', 'q8_0', 'q4_k', 'q5_k', 'q6_k', 'nf4'] as const;
const QUICK_DETECT_FORMATS = ['q4_0'] as const;
/**
 * Formats outlier injection ("Widening the Gap", ../attack/outlier.ts) is reproduced on: the i-quants
 * and q4_k, those of them the registry has, and q4_0, where the injection does not take (one fp16 scale per
 * 32 weights: the ×4 outliers leave the rest on ±1 levels) — a failure the nightly records rather than
 * asserts. Not in --quick: each attack fine-tunes, injects and repairs a model of its own (about a minute per
 * held-out seed on two cores).
 */
const OUTLIER_FORMATS = ['q4_k', 'iq4_xs', 'iq2_xxs', 'iq3_s', 'q4_0'] as const;
/** Outlier size in units of its scale group's largest weight (the attack's one parameter). */
const OUTLIER_FACTOR = 4;

const SUITE = 'adversarial';

export function configFor(options: SuiteOptions, modelSeed: number): AttackConfig {
  return options.quick
    ? { ...DEFAULT_ATTACK, modelSeed, benignSteps: 200, repairSteps: 150, evalSize: 400 }
    : { ...DEFAULT_ATTACK, modelSeed };
}

const cache = new Map<string, Prepared>();
/** Benign model of a seed (shared by all formats) with the injection bounded for `format`. */
export function prepared(options: SuiteOptions, modelSeed: number, format: Format): Prepared {
  const key = `${options.quick ? 'q' : 'd'}:${modelSeed}:${format.id}`;
  let p = cache.get(key);
  if (!p) {
    const benignKey = `${options.quick ? 'q' : 'd'}:${modelSeed}:benign`;
    const benign = cache.get(benignKey)?.benign;
    p = prepare(configFor(options, modelSeed), format, benign);
    if (!benign) cache.set(benignKey, p);
    cache.set(key, p);
  }
  return p;
}

function attackFormats(options: SuiteOptions): string[] {
  const base: readonly string[] = options.quick ? QUICK_ATTACK_FORMATS : ATTACK_FORMATS;
  return options.formats ? base.filter((f) => options.formats!.includes(f)) : [...base];
}

/** What a backdoor item does, on which format. */
export interface BackdoorPlan {
  kind: 'boxes' | 'attack' | 'detect' | 'outlier';
  format: string;
}

export function backdoorItems(options: SuiteOptions): WorkItem<BackdoorPlan>[] {
  const boxFormats = listSpecs()
    .map((s) => s.id)
    .filter((id) => !options.formats || options.formats.includes(id));
  return [
    ...boxFormats.map((f) => ({
      id: `adversarial/boxes/${f}`,
      label: `boxes ${f}`,
      format: f,
      weight: 1,
      plan: { kind: 'boxes' as const, format: f },
    })),
    ...attackFormats(options).map((f) => ({
      id: `adversarial/attack/${f}`,
      label: `attack ${f}`,
      format: f,
      weight: 4,
      plan: { kind: 'attack' as const, format: f },
    })),
    ...detectFormats(options).map((f) => ({
      id: `adversarial/detect/${f}`,
      label: `backdoor detectors ${f}: TPR/FPR`,
      format: f,
      weight: 12,
      plan: { kind: 'detect' as const, format: f },
    })),
    ...outlierFormats(options).map((f) => ({
      id: `adversarial/outlier/${f}`,
      label: `outlier injection ${f}: attack and detectors`,
      format: f,
      weight: 12,
      plan: { kind: 'outlier' as const, format: f },
    })),
  ];
}

function rec(
  format: string,
  dataset: string,
  metric: MetricName,
  value: number | boolean | string,
  unit: string,
  details?: Record<string, unknown>,
): ResultRecord {
  return {
    suite: SUITE,
    format,
    kernel: 'reference',
    backend: 'reference',
    dataset,
    metric,
    value,
    unit,
    ...(details ? { details } : {}),
  };
}

/** The benign model of seed 1 alone (no injection): the trained layer every box check runs on. */
let benignForBoxes: Prepared | undefined;

/** Box check on the first 32 rows of the trained benign model's first layer. */
async function runBoxes(format: string, options: SuiteOptions): Promise<ResultRecord[]> {
  const f = await loadFormat(format);
  benignForBoxes ??= prepare({ ...configFor(options, 1), injectSteps: 0 });
  const p = benignForBoxes;
  const nPerRow = p.benign.inputs;
  const w = p.benign.w1.subarray(0, nPerRow * (options.quick ? 16 : 32));
  // A format whose spec requires an importance matrix gets the layer's activation statistics (imatrixOf);
  // the others are boxed as before, without one.
  const activations = requiresImatrix(f) ? imatrixOf(p, p.benign)['fc1.weight'] : undefined;
  const boxOptions = { nPerRow, seed: 1, ...(activations ? { imatrix: activations } : {}) };
  const t0 = performance.now();
  const boxes = buildBoxes(f, w, boxOptions);
  const samples = options.quick ? 16 : 48;
  const check = checkBoxes(f, w, boxes, boxOptions, { samples, seed: 0xb0c5 });
  const stats = boxStats(boxes, w);
  const ds = 'mlp-fc1';
  const details = {
    method: boxes.method,
    blocks: check.blocks,
    shrunkBlocks: boxes.shrunkBlocks,
    frozenBlocks: boxes.frozenBlocks,
    elapsedMs: Math.round(performance.now() - t0),
    ...(activations
      ? { imatrix: 'mean squared fc1 inputs over task data, imatrixOf (format requires one)' }
      : {}),
  };
  return [
    rec(format, ds, METRIC.boxSamples, check.samples, 'count', details),
    rec(format, ds, METRIC.boxViolations, check.violations, 'count'),
    rec(format, ds, METRIC.boxWidthRel, stats.meanWidthRel, 'ratio'),
    rec(format, ds, METRIC.boxFrozenFraction, stats.frozenFraction, 'ratio'),
  ];
}

async function runAttack(format: string, options: SuiteOptions): Promise<ResultRecord[]> {
  const f = await loadFormat(format);
  const r = attackFormat(f, prepared(options, 1, f));
  const ds = 'mlp-backdoor';
  const works = attackWorks(r);
  return [
    rec(format, ds, METRIC.maliciousRateFp, r.fp.maliciousRate, 'ratio', {
      injected: r.injectedFp,
      practicalBoxes: r.practicalBoxes,
      // The attack boxes, repairs and quantizes under encodeWith's policy: one fixed (uniform) importance
      // matrix for a format that requires one, so attacker and victim agree on the bytes.
      ...imatrixDetails(f),
    }),
    rec(format, ds, METRIC.maliciousRateQuant, r.quant.maliciousRate, 'ratio'),
    rec(format, ds, METRIC.cleanAccuracyFp, r.fp.cleanAccuracy, 'ratio'),
    rec(format, ds, METRIC.cleanAccuracyQuant, r.quant.cleanAccuracy, 'ratio'),
    rec(format, ds, METRIC.bytesPreserved, r.bytesPreserved, 'bool'),
    rec(format, ds, METRIC.attackWorks, works, 'bool', { elapsedMs: Math.round(r.elapsedMs) }),
  ];
}

export interface DetectionPlan {
  calibrationSeeds: number[];
  heldOutSeeds: number[];
  /** Fine-tuned benign variants per calibration seed and per held-out seed (population.ts). */
  calibrationFineTunes: number;
  heldOutFineTunes: number;
  /** Benign pairs per held-out seed at least (fine-tunes fill up what the variants leave). */
  heldOutPairsPerSeed: number;
  /** Attacked pairs per held-out seed (repairs with different clean-data streams). */
  repairsPerSeed: number;
}

/**
 * Population sizes. Default: 3 held-out seeds × (4 variants + 30 fine-tunes) = 102 benign pairs per format
 * (zero false positives bound the FPR at 2.9%, 95%), within the 10-minute budget of the whole suite on two
 * cores. `--full` (the nightly, sharded per format): 3 × (4 + 96) = 300 benign pairs, bound 0.99%, and
 * three attacks per held-out seed; a format without the importance-matrix variant gets a 97th fine-tune per
 * seed (heldOutPairsPerSeed), since 297 pairs would bound it at 1.004%. Held-out seeds never calibrate.
 */
export function detectionPlan(options: SuiteOptions): DetectionPlan {
  if (options.quick)
    return {
      calibrationSeeds: [1, 2],
      heldOutSeeds: [3],
      calibrationFineTunes: 2,
      heldOutFineTunes: 4,
      heldOutPairsPerSeed: 0,
      repairsPerSeed: 1,
    };
  const full = options.full === true;
  return {
    calibrationSeeds: [1, 2, 3],
    heldOutSeeds: [4, 5, 6],
    calibrationFineTunes: full ? 30 : 10,
    heldOutFineTunes: full ? 96 : 30,
    heldOutPairsPerSeed: full ? 100 : 0,
    repairsPerSeed: full ? 3 : 1,
  };
}

/** Detector scores of the benign pairs (with `fineTunes` fine-tuned variants) of each prepared seed. */
async function benignScores(
  options: SuiteOptions,
  f: Format,
  seeds: readonly number[],
  fineTunes: number,
  atLeastPerSeed = 0,
): Promise<ModelScores[]> {
  const out: ModelScores[] = [];
  for (const seed of seeds) {
    const p = prepared(options, seed, f);
    for (const pair of benignPairs(p, f, fineTunes, atLeastPerSeed))
      out.push(await scorePair(pair, p.sets.clean));
  }
  return out;
}

function outlierFormats(options: SuiteOptions): string[] {
  if (options.quick) return [];
  const known = new Set(listSpecs().map((x) => x.id));
  return OUTLIER_FORMATS.filter((f) => known.has(f) && (!options.formats || options.formats.includes(f)));
}

/**
 * Outlier injection on held-out seeds: the attack's success and box widths against the plain attack's, and
 * every detector's TPR on the injected pairs with thresholds and FPR from the same benign pairs as
 * adversarial/detect (dataset `widening-the-gap/<detector>`).
 */
async function runOutlier(
  format: string,
  options: SuiteOptions,
  log: (m: string) => void,
): Promise<ResultRecord[]> {
  const plan = detectionPlan(options);
  const f = await loadFormat(format);
  const calibration = await benignScores(options, f, plan.calibrationSeeds, plan.calibrationFineTunes);
  const thresholds = thresholdsFrom(calibration);
  const benign: ModelScores[] = [];
  const attacked: ModelScores[] = [];
  const runs: {
    works: boolean;
    placement: OutlierPlacement;
    widthPlain: number;
    widthOutlier: number;
    fp: number;
    quant: number;
    clean: number;
  }[] = [];
  for (const seed of plan.heldOutSeeds) {
    const p = prepared(options, seed, f);
    benign.push(...(await benignScores(options, f, [seed], plan.heldOutFineTunes, plan.heldOutPairsPerSeed)));
    const plain = attackFormat(f, p, seed);
    // The attacker quantizes locally and sees whether the attack took: outliers on the least important columns
    // first (cheapest for the full-precision model), on the most important ones where that fails (quantizers
    // that fit the group scale by importance-weighted least squares, e.g. iq2_xxs, outweigh an unimportant one).
    const imatrix = imatrixOf(p, p.benign);
    let placement: OutlierPlacement = 'least-important';
    let o = outlierAttack(f, p, imatrix, OUTLIER_FACTOR, 100, seed, placement);
    if (!attackWorks(o.result)) {
      const alt = outlierAttack(f, p, imatrix, OUTLIER_FACTOR, 100, seed, 'most-important');
      if (attackWorks(alt.result)) [o, placement] = [alt, 'most-important'];
    }
    const r = o.result;
    const width = (x: typeof r) =>
      boxStats(x.boxes['fc1.weight'], weightOf(x.repaired, 'fc1.weight')).meanWidthRel;
    runs.push({
      works: attackWorks(r),
      placement,
      widthPlain: width(plain),
      widthOutlier: width(r),
      fp: r.fp.maliciousRate,
      quant: r.quant.maliciousRate,
      clean: r.fp.cleanAccuracy,
    });
    attacked.push(await scorePair(pairOfAttack(o.prepared, f, r), o.prepared.sets.clean));
  }
  const ds = 'widening-the-gap';
  const out = [
    rec(format, ds, METRIC.outlierAttackSuccess, runs.filter((x) => x.works).length / runs.length, 'ratio', {
      factor: OUTLIER_FACTOR,
      runs,
    }),
  ];
  for (const r of rates(thresholds, attacked, benign)) {
    const details = {
      threshold: r.threshold,
      tp: r.tp,
      positives: r.positives,
      fp: r.fp,
      negatives: r.negatives,
    };
    out.push(
      rec(format, `${ds}/${r.detector}`, METRIC.tpr, r.tp / r.positives, 'ratio', details),
      rec(format, `${ds}/${r.detector}`, METRIC.fpr, r.fp / r.negatives, 'ratio'),
      rec(format, `${ds}/${r.detector}`, METRIC.fprUpper95, upper95(r.fp, r.negatives), 'ratio'),
    );
  }
  log(
    `outlier ${format}: ${runs.filter((x) => x.works).length}/${runs.length} attacks worked, ${benign.length} benign pairs`,
  );
  return out;
}

function detectFormats(options: SuiteOptions): string[] {
  if (options.formats) return attackFormats(options);
  return options.quick ? [...QUICK_DETECT_FORMATS] : [...DETECT_FORMATS];
}

async function runDetect(
  format: string,
  options: SuiteOptions,
  log: (m: string) => void,
): Promise<ResultRecord[]> {
  const plan = detectionPlan(options);
  const out: ResultRecord[] = [];
  const f = await loadFormat(format);
  const calibration = await benignScores(options, f, plan.calibrationSeeds, plan.calibrationFineTunes);
  const benign: ModelScores[] = [];
  const attacked: ModelScores[] = [];
  let attackWorked = 0;
  const thresholds = thresholdsFrom(calibration);
  // The adaptive attacker (../attack/adaptive.ts) knows residual-spike's threshold and spreads each attacked
  // pair's repaired weights until it is under it: one adaptive pair per attacked pair, same bytes.
  const adaptive: ModelScores[] = [];
  const adaptiveRuns: AdaptiveResult[] = [];
  const spikeLimit = thresholds['residual-spike'] ?? 0;
  for (const seed of plan.heldOutSeeds) {
    const p = prepared(options, seed, f);
    benign.push(...(await benignScores(options, f, [seed], plan.heldOutFineTunes, plan.heldOutPairsPerSeed)));
    for (let r = 0; r < plan.repairsPerSeed; r++) {
      const pair = attackedPair(p, f, seed + 100 * r);
      if (pair.attack && attackWorks(pair.attack)) attackWorked++;
      attacked.push(await scorePair(pair, p.sets.clean));
      const a = adaptAttack(f, p, pair.attack!, spikeLimit, seed + 100 * r);
      adaptiveRuns.push(a);
      adaptive.push(await scorePair(pairOfAttack(p, f, a), p.sets.clean));
    }
  }
  out.push(...adaptiveRecords(format, thresholds, adaptive, benign, adaptiveRuns));
  for (const r of rates(thresholds, attacked, benign)) {
    // The site groups tpr/fpr by (suite, format, kernel, backend, dataset): the detector is the dataset.
    const ds = `mind-the-gap/${r.detector}`;
    const fpr = r.fp / r.negatives;
    const details = {
      threshold: r.threshold,
      tp: r.tp,
      positives: r.positives,
      attacksThatWorked: attackWorked,
      fp: r.fp,
      negatives: r.negatives,
      calibrationPairs: calibration.length,
    };
    out.push(
      rec(format, ds, METRIC.tpr, r.tp / r.positives, 'ratio', details),
      rec(format, ds, METRIC.fpr, fpr, 'ratio'),
      rec(format, ds, METRIC.fprUpper95, upper95(r.fp, r.negatives), 'ratio'),
    );
  }
  log(
    `detect ${format}: ${attacked.length} attacked (${attackWorked} with the attack working), ${benign.length} held-out benign, ${calibration.length} calibration pairs`,
  );
  return out;
}

/**
 * Records of the adaptive attacker: how often it worked (benign in full precision, malicious quantized, same
 * bytes) with residual-spike under its threshold, and every detector's TPR against it (dataset
 * `mind-the-gap-adaptive/<detector>`; the FPR is the plain attack's, same benign pairs and thresholds).
 */
function adaptiveRecords(
  format: string,
  thresholds: Partial<Record<DetectorId, number>>,
  adaptive: ModelScores[],
  benign: ModelScores[],
  runs: AdaptiveResult[],
): ResultRecord[] {
  const evaded = runs.filter((a) => attackWorks(a) && a.underLimit).length;
  const out = [
    rec(
      format,
      'mind-the-gap-adaptive',
      METRIC.adaptiveSuccessRate,
      evaded / Math.max(1, runs.length),
      'ratio',
      {
        attacks: runs.length,
        worked: runs.filter((a) => attackWorks(a)).length,
        underSpikeThreshold: runs.filter((a) => a.underLimit).length,
        bands: runs.map((a) => a.band),
        spikeBefore: runs.map((a) => a.spikeBefore),
        spikeAfter: runs.map((a) => a.spikeAfter),
        fpMaliciousRate: runs.map((a) => a.fp.maliciousRate),
        quantMaliciousRate: runs.map((a) => a.quant.maliciousRate),
      },
    ),
  ];
  // fpr and its bound are the plain attack's (same benign pairs, same thresholds), recorded again under the
  // adaptive dataset so each (detector, attack) point carries its own TPR/FPR pair and counts.
  for (const r of rates(thresholds, adaptive, benign)) {
    const ds = `mind-the-gap-adaptive/${r.detector}`;
    out.push(
      rec(format, ds, METRIC.tpr, r.tp / r.positives, 'ratio', {
        threshold: r.threshold,
        tp: r.tp,
        positives: r.positives,
        fp: r.fp,
        negatives: r.negatives,
      }),
      rec(format, ds, METRIC.fpr, r.fp / r.negatives, 'ratio'),
      rec(format, ds, METRIC.fprUpper95, upper95(r.fp, r.negatives), 'ratio'),
    );
  }
  return out;
}

export async function runBackdoorItem(
  plan: BackdoorPlan,
  options: SuiteOptions,
  log: (m: string) => void,
): Promise<ResultRecord[]> {
  switch (plan.kind) {
    case 'boxes':
      return runBoxes(plan.format, options);
    case 'attack':
      return runAttack(plan.format, options);
    case 'detect':
      return runDetect(plan.format, options, log);
    case 'outlier':
      return runOutlier(plan.format, options, log);
  }
}
