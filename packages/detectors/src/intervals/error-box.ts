/**
 * Boxes for formats whose scales come out of a search (k-quants, i-quants, any format under an importance
 * matrix): the Mind-the-Gap construction, made sound by the encoder rather than by hope.
 *
 * 1. Each weight may move only toward its own dequantized value: box = [min(w, deq), max(w, deq)]. With the
 *    scales unchanged, a weight between itself and its level keeps its code.
 * 2. The weights that seed each sub-block's search range are frozen: argmax and argmin of every group of
 *    FREEZE_GROUP weights (16 = the smallest k-quant sub-block, so this covers the 32-weight sub-blocks of
 *    q4_k/q5_k as well) — the authors' "trick2".
 * 3. The sub-blocks that set the super-block's d and dmin (the authors' "trick1") are found by the encoder
 *    (attribution round below), then random whole-tensor points shrink only the groups whose decoded values
 *    moved (the authors instead freeze whole blocks found sensitive by sampling). Groups that never change
 *    keep their full error box, so boxes are wider than the authors' wherever that is safe.
 */
import { type Format, SplitMix64 } from '@qbench/core';
import { groupChanged, sharedScaleBytes, sharedScaleChanged } from './fields.ts';
import { markChangedBlocks, SAMPLE_KINDS, samplePoint } from './sample.ts';
import { type Boxes, type BoxOptions, encodeWith } from './types.ts';

export const FREEZE_GROUP = 16;

export function buildErrorBoxes(format: Format, w: Float32Array, options: BoxOptions): Boxes {
  const n = w.length;
  const be = format.blockElements;
  const bb = format.blockBytes;
  const nBlocks = n / be;
  const bytes = encodeWith(format, w, options);
  const deq = format.reference.decode(bytes, n);
  const lo = new Float32Array(n);
  const hi = new Float32Array(n);
  const frozen = new Uint8Array(n);
  const group = Math.min(FREEZE_GROUP, be);
  // The point the boxes shrink toward (and freeze at): the weight itself.
  const anchor = Float32Array.from(w);
  for (let i = 0; i < n; i++) {
    const d = Number.isFinite(deq[i]!) ? deq[i]! : w[i]!;
    lo[i] = Math.min(w[i]!, d);
    hi[i] = Math.max(w[i]!, d);
  }
  for (let g = 0; g < n; g += group) {
    let iMin = g;
    let iMax = g;
    for (let i = g + 1; i < g + group; i++) {
      if (w[i]! < w[iMin]!) iMin = i;
      if (w[i]! > w[iMax]!) iMax = i;
    }
    frozen[iMin] = 1;
    frozen[iMax] = 1;
  }
  for (let i = 0; i < n; i++) {
    if (frozen[i]) {
      lo[i] = w[i]!;
      hi[i] = w[i]!;
    }
  }

  const rng = new SplitMix64(options.seed ?? 0x5eed);
  const samples = options.samplesPerRound ?? 8;
  const rounds = options.rounds ?? 16;
  const groupsPerBlock = be / group;
  const shared = sharedScaleBytes(format);
  const point = new Float32Array(n);
  const everShrunk = new Uint8Array(nBlocks);
  // mark per group: 0 keep, 1 halve toward the weight, 2 freeze
  const mark = new Uint8Array(n / group);
  const apply = (freezeAll: boolean) => {
    for (let gi = 0; gi < mark.length; gi++) {
      const m = mark[gi]!;
      if (!m) continue;
      everShrunk[Math.floor(gi / groupsPerBlock)] = 1;
      for (let i = gi * group; i < (gi + 1) * group; i++) {
        const a = anchor[i]!;
        if (freezeAll || m === 2) {
          lo[i] = a;
          hi[i] = a;
          frozen[i] = 1;
        } else {
          lo[i] = Math.fround(a - (a - lo[i]!) / 2);
          hi[i] = Math.fround(a + (hi[i]! - a) / 2);
        }
      }
    }
    mark.fill(0);
  };

  // Round 0, attribution: move one group of every block at a time (to the dequantized side of its box).
  // A group whose move changes the decoded values of OTHER groups of its block moved a shared scale (d,
  // dmin): it sets the super-block's scale and is frozen whole (the authors' "trick1", found by the encoder
  // instead of by reading scale fields). A group that changes only its own values is halved.
  samplePoint('far-corner', anchor, lo, hi, rng, point);
  const moved = new Float32Array(n);
  for (let g = 0; g < groupsPerBlock; g++) {
    moved.set(w);
    for (let blk = 0; blk < nBlocks; blk++) {
      const off = blk * be + g * group;
      moved.set(point.subarray(off, off + group), off);
    }
    const dq = format.reference.decode(encodeWith(format, moved, options), n);
    for (let blk = 0; blk < nBlocks; blk++) {
      for (let k = 0; k < groupsPerBlock; k++) {
        if (!groupChanged(dq, deq, blk * be + k * group, group)) continue;
        const gi = blk * groupsPerBlock + g;
        mark[gi] = k === g ? Math.max(mark[gi]!, 1) : 2;
      }
    }
  }
  apply(false);

  // Rounds 1…: whole-tensor points. Decoded values localize a change: the groups whose values moved are
  // halved (their own sub-block search changed); when the block's shared scale fields (d, dmin: the float
  // fields of the spec layout) changed, any group may be responsible and the whole block is halved. The
  // last round freezes instead.
  let clean = 0;
  let frozenBlocks = 0;
  for (let round = 1; round < rounds && clean < 2; round++) {
    // Halving converges for a sub-block whose search drifts; a near-tie between two candidate scales flips
    // under arbitrarily small moves, so after a few halvings whatever still changes is frozen.
    const last = round >= 4;
    let nBad = 0;
    for (let s = 0; s < samples; s++) {
      samplePoint(SAMPLE_KINDS[s % SAMPLE_KINDS.length]!, anchor, lo, hi, rng, point);
      const q = encodeWith(format, point, options);
      const bad = new Uint8Array(nBlocks);
      if (markChangedBlocks(bytes, q, bb, bad) === 0) continue;
      nBad++;
      const dq = format.reference.decode(q, n);
      for (let blk = 0; blk < nBlocks; blk++) {
        if (!bad[blk]) continue;
        let changed = 0;
        for (let k = 0; k < groupsPerBlock; k++) {
          if (groupChanged(dq, deq, blk * be + k * group, group)) changed++;
        }
        const whole = changed === 0 || sharedScaleChanged(bytes, q, blk * bb, shared);
        for (let k = 0; k < groupsPerBlock; k++) {
          if (whole || groupChanged(dq, deq, blk * be + k * group, group)) {
            mark[blk * groupsPerBlock + k] = Math.max(mark[blk * groupsPerBlock + k]!, 1);
          }
        }
      }
    }
    if (nBad === 0) {
      clean++;
      continue;
    }
    clean = 0;
    if (last) frozenBlocks += nBad;
    apply(last);
  }
  const shrunkBlocks = everShrunk.reduce((s, v) => s + v, 0);
  return { lo, hi, frozen, anchor, method: 'error-box', bytes, shrunkBlocks, frozenBlocks };
}
