/**
 * Grid boxes: wider boxes than the authors' for formats whose scales come out of a search (k-quants,
 * i-quants, any format under an importance matrix).
 *
 * The authors' box [w, dequant(w)] lets each weight move only toward its own grid point, and their frozen
 * argmax/argmin weights keep the search seeded off the grid; on k-quants most random points inside those
 * boxes still change a sub-block's 6-bit scale (measured on the attack model's fc1: 134 of 256 blocks for a
 * uniform point). The construction here starts from a fact the encoder itself confirms: a tensor sitting
 * exactly on its own dequantized grid re-encodes to the same bytes (the least-squares scale search fits it
 * exactly). Each box is a radius around the grid point, in both directions, so a weight may cross its grid
 * point, which the authors' box never allows. Then the encoder says which radii are too wide:
 *
 * 1. Blocks whose grid point does not re-encode to the same bytes keep the weight itself, frozen.
 * 2. Attribution: one group of every block at a time is pushed to four corners (all up, all down, tilted up
 *    and down about the group mean — the tilt is what moves a least-squares slope most). A group whose push
 *    changes the block's shared float fields (d, dmin) sets the super-block scale and is frozen on its grid
 *    point (the authors' "trick1", found by the encoder instead of by reading scale fields); a group whose
 *    push changes any decoded value of its block has its radius halved. Repeated until clean; a group still
 *    failing after a few halvings is frozen.
 * 3. Whole-tensor random points (sample.ts kinds) shrink the groups whose decoded values moved, as in
 *    error-box.ts; the block-level confirmation in index.ts freezes whatever is left.
 */
import { type Format, SplitMix64 } from '@qbench/core';
import { FREEZE_GROUP } from './error-box.ts';
import { groupChanged, sharedScaleBytes, sharedScaleChanged } from './fields.ts';
import { markChangedBlocks, samplePoint, searchKind, tiltGroup } from './sample.ts';
import { type Boxes, type BoxOptions, encodeWith } from './types.ts';

/** Radius of a grid box before shrinking, as a fraction of its group's largest |w − dequant(w)| (≈ half a step). */
export const GRID_RADIUS = 0.9;
const HALVINGS_BEFORE_FREEZE = 8;
/** Factor a radius shrinks by when a push or a sample moved its group. */
const SHRINK = 0.6;
/** Fraction of each searched radius removed at the end (see below). */
export const GRID_MARGIN = 0.25;

export function buildGridBoxes(format: Format, w: Float32Array, options: BoxOptions): Boxes {
  const n = w.length;
  const be = format.blockElements;
  const bb = format.blockBytes;
  const nBlocks = n / be;
  const group = Math.min(FREEZE_GROUP, be);
  const nGroups = n / group;
  const groupsPerBlock = be / group;
  const bytes = encodeWith(format, w, options);
  const deq = format.reference.decode(bytes, n);
  const shared = sharedScaleBytes(format);

  const anchor = new Float32Array(n);
  const radius = new Float32Array(n);
  const frozen = new Uint8Array(n);
  const halvings = new Uint8Array(nGroups);
  const groupFrozen = new Uint8Array(nGroups);
  const initial = options.radius ?? GRID_RADIUS;
  const onGrid = gridAnchors(format, w, deq, bytes, group, options);
  for (let g = 0; g < nGroups; g++) {
    let m = 0;
    for (let i = g * group; i < (g + 1) * group; i++) m = Math.max(m, Math.abs(w[i]! - deq[i]!));
    const free = onGrid[g] === 1 && Number.isFinite(m);
    for (let i = g * group; i < (g + 1) * group; i++) {
      anchor[i] = free ? deq[i]! : w[i]!;
      radius[i] = free ? initial * m : 0;
      frozen[i] = radius[i] === 0 ? 1 : 0;
    }
    groupFrozen[g] = frozen[g * group]!;
  }
  for (let g = 0; g < nGroups; g++) {
    let iMin = g * group;
    let iMax = g * group;
    for (let i = g * group; i < (g + 1) * group; i++) {
      if (anchor[i]! < anchor[iMin]!) iMin = i;
      if (anchor[i]! > anchor[iMax]!) iMax = i;
    }
    radius[iMin] = 0;
    radius[iMax] = 0;
    frozen[iMin] = 1;
    frozen[iMax] = 1;
  }
  const lo = new Float32Array(n);
  const hi = new Float32Array(n);
  const setEdges = () => {
    for (let i = 0; i < n; i++) {
      lo[i] = Math.fround(anchor[i]! - radius[i]!);
      hi[i] = Math.fround(anchor[i]! + radius[i]!);
      // fround can round an edge outward past the radius; pull it back onto the anchor's side.
      if (anchor[i]! - lo[i]! > radius[i]!) lo[i] = nextUp(lo[i]!);
      if (hi[i]! - anchor[i]! > radius[i]!) hi[i] = nextDown(hi[i]!);
    }
  };
  const shrink = (g: number, freeze: boolean) => {
    halvings[g]!++;
    const stop = freeze || halvings[g]! > HALVINGS_BEFORE_FREEZE;
    if (stop) groupFrozen[g] = 1;
    for (let i = g * group; i < (g + 1) * group; i++) {
      radius[i] = stop ? 0 : radius[i]! * SHRINK;
      if (stop) frozen[i] = 1;
    }
  };
  setEdges();

  // Stage 2: attribution, one group index of every block at a time.
  const point = new Float32Array(n);
  const corners = ['up', 'down', 'tilt-up', 'tilt-down'] as const;
  for (let round = 0; round <= HALVINGS_BEFORE_FREEZE; round++) {
    let dirty = 0;
    for (const corner of corners) {
      for (let g = 0; g < groupsPerBlock; g++) {
        point.set(anchor);
        for (let blk = 0; blk < nBlocks; blk++)
          pushGroup(corner, blk * groupsPerBlock + g, group, anchor, lo, hi, point);
        const q = encodeWith(format, point, options);
        const dq = format.reference.decode(q, n);
        for (let blk = 0; blk < nBlocks; blk++) {
          const gi = blk * groupsPerBlock + g;
          if (groupFrozen[gi]) continue;
          // A push that moves the block's d or dmin is halved like any other; a group that keeps moving
          // them after the last halving is the one setting the super-block scale and ends frozen.
          let moved = sharedScaleChanged(bytes, q, blk * bb, shared);
          for (let k = 0; k < groupsPerBlock && !moved; k++)
            moved = groupChanged(dq, deq, blk * be + k * group, group);
          if (moved) {
            shrink(gi, false);
            dirty++;
          }
        }
        setEdges();
      }
    }
    if (dirty === 0) break;
  }

  // Stage 3: whole-tensor points; a block whose shared fields moved is shrunk whole.
  const rng = new SplitMix64(options.seed ?? 0x9d1d);
  // Random corners flip a near-tie of the scale search (q6_k: a sub-block's int8 scale jumping by 3 codes)
  // in well under 1% of (point, block) pairs, so the rounds are long: 32 points each, and three clean rounds
  // in a row (96 points) before stopping.
  const samples = options.samplesPerRound ?? 32;
  const rounds = options.rounds ?? 24;
  let clean = 0;
  for (let round = 0; round < rounds && clean < 3; round++) {
    const bad = new Uint8Array(nBlocks);
    let nBad = 0;
    const marked = new Uint8Array(nGroups);
    for (let s = 0; s < samples; s++) {
      // Two points in three are random corners and uniform interior points: the kinds that find the
      // search's near-ties (q6_k's least-squares search at corners, q2_k's absolute-error one inside).
      const kind = searchKind(s, round * samples + s);
      samplePoint(kind, anchor, lo, hi, rng, point);
      const q = encodeWith(format, point, options);
      bad.fill(0);
      if (markChangedBlocks(bytes, q, bb, bad) === 0) continue;
      nBad++;
      const dq = format.reference.decode(q, n);
      for (let blk = 0; blk < nBlocks; blk++) {
        if (!bad[blk]) continue;
        const whole = sharedScaleChanged(bytes, q, blk * bb, shared);
        let any = false;
        for (let k = 0; k < groupsPerBlock; k++) {
          const gi = blk * groupsPerBlock + k;
          if (whole || groupChanged(dq, deq, blk * be + k * group, group)) {
            marked[gi] = 1;
            any = true;
          }
        }
        if (!any) for (let k = 0; k < groupsPerBlock; k++) marked[blk * groupsPerBlock + k] = 1;
      }
    }
    if (nBad === 0) {
      clean++;
      continue;
    }
    clean = 0;
    for (let g = 0; g < nGroups; g++) if (marked[g] && !groupFrozen[g]) shrink(g, false);
    setEdges();
  }

  // The stated margin: the searched radius is where no flip was seen, not where none can happen; a quarter
  // of it is given back so that the near-ties just outside the sampled region stay outside the box.
  for (let i = 0; i < n; i++) radius[i] = radius[i]! * (1 - GRID_MARGIN);
  setEdges();

  let shrunkBlocks = 0;
  let frozenBlocks = 0;
  for (let blk = 0; blk < nBlocks; blk++) {
    let anyShrunk = false;
    let allFrozen = true;
    for (let g = blk * groupsPerBlock; g < (blk + 1) * groupsPerBlock; g++) {
      anyShrunk ||= halvings[g]! > 0;
      allFrozen &&= groupFrozen[g] === 1;
    }
    if (anyShrunk) shrunkBlocks++;
    if (allFrozen) frozenBlocks++;
  }
  return { lo, hi, frozen, anchor, method: 'grid-box', bytes, shrunkBlocks, frozenBlocks };
}

/**
 * Which groups may sit on their grid point (1) and which keep the weight (0), such that the mixed tensor
 * still encodes to `bytes`. Usually the whole grid re-encodes to the same bytes; where a block does not
 * (q6_k: 18% of the attack model's fc1 blocks — a code clamped at the range end makes the search's exact
 * fit unreachable), groups are moved onto the grid one at a time and a move is kept only if the block's
 * bytes stay the same.
 */
function gridAnchors(
  format: Format,
  w: Float32Array,
  deq: Float32Array,
  bytes: Uint8Array,
  group: number,
  options: BoxOptions,
): Uint8Array {
  const n = w.length;
  const be = format.blockElements;
  const bb = format.blockBytes;
  const nBlocks = n / be;
  const groupsPerBlock = be / group;
  const onGrid = new Uint8Array(n / group).fill(1);
  const finite = Float32Array.from(deq, (d, i) => (Number.isFinite(d) ? d : w[i]!));
  const failing = new Uint8Array(nBlocks);
  if (markChangedBlocks(bytes, encodeWith(format, finite, options), bb, failing) === 0) return onGrid;
  const point = Float32Array.from(finite);
  for (let blk = 0; blk < nBlocks; blk++) {
    if (!failing[blk]) continue;
    point.set(w.subarray(blk * be, (blk + 1) * be), blk * be);
    onGrid.fill(0, blk * groupsPerBlock, (blk + 1) * groupsPerBlock);
  }
  for (let k = 0; k < groupsPerBlock; k++) {
    for (let blk = 0; blk < nBlocks; blk++) {
      if (!failing[blk]) continue;
      const from = blk * be + k * group;
      point.set(finite.subarray(from, from + group), from);
    }
    const changed = new Uint8Array(nBlocks);
    markChangedBlocks(bytes, encodeWith(format, point, options), bb, changed);
    for (let blk = 0; blk < nBlocks; blk++) {
      if (!failing[blk]) continue;
      const from = blk * be + k * group;
      if (changed[blk]) point.set(w.subarray(from, from + group), from);
      else onGrid[blk * groupsPerBlock + k] = 1;
    }
  }
  return onGrid;
}

type Corner = 'up' | 'down' | 'tilt-up' | 'tilt-down';

/** Move group `g` of `point` to one corner of its boxes. */
function pushGroup(
  corner: Corner,
  g: number,
  group: number,
  anchor: Float32Array,
  lo: Float32Array,
  hi: Float32Array,
  point: Float32Array,
): void {
  const from = g * group;
  if (corner === 'tilt-up' || corner === 'tilt-down') {
    tiltGroup(anchor, lo, hi, from, from + group, corner === 'tilt-up', point);
    return;
  }
  for (let i = from; i < from + group; i++) point[i] = corner === 'up' ? hi[i]! : lo[i]!;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
/** The next float32 toward +∞ / −∞ (edges are finite, non-NaN here). */
function nextUp(x: number): number {
  if (x === 0) return 1.4e-45;
  f32[0] = x;
  u32[0] = x > 0 ? u32[0]! + 1 : u32[0]! - 1;
  return f32[0]!;
}
function nextDown(x: number): number {
  return -nextUp(-x);
}
