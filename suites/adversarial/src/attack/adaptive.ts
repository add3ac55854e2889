/**
 * The adaptive attacker (issue #19, item 3): one who knows the residual-spike detector and its threshold.
 *
 * Projected gradient descent leaves every weight it pushed against a box edge exactly at that edge, and the
 * residual-spike statistic finds that pile-up: many weights at one relative position inside their cell. This
 * attacker runs the same three-stage attack, then spreads the weights that sit at a box edge over a band
 * inside the box (uniformly within `band` box widths of their edge) so their positions no longer share a
 * bin, and keeps the narrowest band that brings the spike score of every tensor under the limit it wants to
 * stay below. Moving a weight away from the edge undoes part of the repair, so the band trades the
 * detector's score against the full-precision model's benign behaviour; both are measured.
 *
 * Every candidate point is verified with the real encoder, as the repair's final point is: a block whose
 * bytes would change keeps the weights PGD gave it. The quantized model is therefore byte-identical to the
 * injected one whenever the plain attack's was.
 */
import type { Format } from '@qbench/core';
import { SplitMix64 } from '@qbench/core';
import { residualSpike } from '@qbench/detectors';
import { encodeWith, markChangedBlocks } from '@qbench/detectors/intervals';
import { behaviour, cloneMlp, type Mlp, WEIGHT_NAMES, weightOf } from '../model/mlp.ts';
import {
  type AttackResult,
  attackFormat,
  boxOptionsFor,
  equalBytes,
  type Prepared,
  quantizeMlp,
} from './attack.ts';

/** Bands tried in order, in box widths from the edge; the first whose spike stays under the limit is kept. */
export const SPREAD_BANDS = [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1] as const;
/** A weight within this share of its box width from an edge counts as parked there. */
const AT_EDGE = 1e-3;

export interface AdaptiveResult extends AttackResult {
  /** Band kept (box widths); the widest tried when none reached the limit. */
  band: number;
  /** Whether every tensor's spike score ended at or under the limit. */
  underLimit: boolean;
  /** Largest tensor spike score of the plain attack and after spreading. */
  spikeBefore: number;
  spikeAfter: number;
  /** Weights moved off their box edge, and blocks restored because the encoder disagreed. */
  moved: number;
  restoredBlocks: number;
}

function maxSpike(format: Format, m: Mlp, bytes: Record<(typeof WEIGHT_NAMES)[number], Uint8Array>): number {
  let s = 0;
  for (const name of WEIGHT_NAMES) {
    const score = residualSpike({
      tensor: name,
      format,
      reference: weightOf(m, name),
      bytes: bytes[name],
      nPerRow: boxOptionsFor(m, name, 0).nPerRow,
    }).score;
    s = Math.max(s, score);
  }
  return s;
}

/** Spread the edge-parked weights of `base` over `band` box widths; returns the model and what was done. */
function spread(
  format: Format,
  base: Mlp,
  r: AttackResult,
  band: number,
  seed: number,
): { model: Mlp; moved: number; restoredBlocks: number } {
  const m = cloneMlp(base);
  const rng = new SplitMix64(seed);
  let moved = 0;
  let restoredBlocks = 0;
  for (const name of WEIGHT_NAMES) {
    const w = weightOf(m, name);
    const orig = weightOf(base, name);
    const { lo, hi, frozen, bytes } = r.boxes[name];
    for (let i = 0; i < w.length; i++) {
      const width = hi[i]! - lo[i]!;
      if (frozen[i] || !(width > 0)) continue;
      const u = rng.uniform();
      if (hi[i]! - w[i]! <= AT_EDGE * width) {
        w[i] = Math.max(lo[i]!, Math.fround(hi[i]! - u * band * width));
        moved++;
      } else if (w[i]! - lo[i]! <= AT_EDGE * width) {
        w[i] = Math.min(hi[i]!, Math.fround(lo[i]! + u * band * width));
        moved++;
      }
    }
    const q = encodeWith(format, w, boxOptionsFor(m, name, 0));
    const bad = new Uint8Array(w.length / format.blockElements);
    restoredBlocks += markChangedBlocks(bytes, q, format.blockBytes, bad);
    const be = format.blockElements;
    for (let blk = 0; blk < bad.length; blk++)
      if (bad[blk]) w.set(orig.subarray(blk * be, (blk + 1) * be), blk * be);
  }
  return { model: m, moved, restoredBlocks };
}

/**
 * The plain attack, then the narrowest spread whose residual-spike score stays at or under `spikeLimit` (the
 * attacker's estimate of the detector's threshold; a white-box attacker knows it exactly).
 */
export function adaptiveAttack(
  format: Format,
  p: Prepared,
  spikeLimit: number,
  repairSeed = 1,
): AdaptiveResult {
  return adaptAttack(format, p, attackFormat(format, p, repairSeed), spikeLimit, repairSeed);
}

/** The adaptive stage alone, on a plain attack already run (the detector suite has one per held-out pair). */
export function adaptAttack(
  format: Format,
  p: Prepared,
  r: AttackResult,
  spikeLimit: number,
  repairSeed: number,
): AdaptiveResult {
  const t0 = performance.now();
  const spikeBefore = maxSpike(format, r.repaired, r.quantized.bytes);
  let kept = { model: r.repaired, moved: 0, restoredBlocks: 0 };
  let band = 0;
  let spikeAfter = spikeBefore;
  if (spikeBefore > spikeLimit) {
    for (const b of SPREAD_BANDS) {
      const s = spread(format, r.repaired, r, b, p.config.modelSeed * 7919 + repairSeed);
      const score = maxSpike(format, s.model, r.quantized.bytes);
      kept = s;
      band = b;
      spikeAfter = score;
      if (score <= spikeLimit) break;
    }
  }
  const quantized = quantizeMlp(format, kept.model);
  const target = p.task.config.targetClass;
  return {
    ...r,
    repaired: kept.model,
    quantized,
    bytesPreserved: WEIGHT_NAMES.every((name) => equalBytes(quantized.bytes[name], r.boxes[name].bytes)),
    fp: behaviour(kept.model, p.sets, target),
    quant: behaviour(quantized.model, p.sets, target),
    elapsedMs: r.elapsedMs + (performance.now() - t0),
    band,
    underLimit: spikeAfter <= spikeLimit,
    spikeBefore,
    spikeAfter,
    moved: kept.moved,
    restoredBlocks: kept.restoredBlocks,
  };
}
