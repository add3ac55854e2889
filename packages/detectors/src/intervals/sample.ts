/**
 * Points inside a set of boxes, and the per-block byte comparison that says whether a point kept the
 * encoding. The sample kinds cover where an attacker's repaired weights actually end up: projected
 * gradient descent leaves most weights on a box edge (corners), some in the interior (uniform), and the
 * error-box's far corner is the dequantized tensor itself. The tilt corner pushes each group of 16 up where
 * its anchor is above the group mean and down elsewhere, with a random sign per group: the direction that
 * moves a least-squares scale (k-quant sub-block searches) the most.
 */
import type { SplitMix64 } from '@qbench/core';

export const SAMPLE_KINDS = [
  'far-corner',
  'random-corner',
  'uniform',
  'low-corner',
  'sparse-corner',
  'high-corner',
  'tilt-corner',
] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

/** Fill `out` with one point of kind `kind` inside [lo, hi]; `w` is the point the boxes were built from. */
export function samplePoint(
  kind: SampleKind,
  w: Float32Array,
  lo: Float32Array,
  hi: Float32Array,
  rng: SplitMix64,
  out: Float32Array,
): Float32Array {
  if (kind === 'tilt-corner') return tiltCorner(w, lo, hi, rng, out);
  for (let i = 0; i < w.length; i++) {
    const a = lo[i]!;
    const b = hi[i]!;
    if (a === b) {
      out[i] = a;
      continue;
    }
    switch (kind) {
      case 'far-corner':
        // The edge farther from the weight: for error boxes, the dequantized value.
        out[i] = b - w[i]! >= w[i]! - a ? b : a;
        break;
      case 'low-corner':
        out[i] = a;
        break;
      case 'high-corner':
        out[i] = b;
        break;
      case 'random-corner':
        out[i] = rng.uniform() < 0.5 ? a : b;
        break;
      case 'uniform': {
        const v = Math.fround(a + (b - a) * rng.uniform());
        out[i] = v < a ? a : v > b ? b : v;
        break;
      }
      case 'sparse-corner': {
        const u = rng.uniform();
        out[i] = u < 0.5 ? w[i]! : u < 0.75 ? a : b;
        break;
      }
    }
  }
  return out;
}

/**
 * The kind of the `s`-th point of a soundness search: two in three are random corners or uniform interior
 * points, where a scale search's near-ties flip; the rest rotate through every kind (`rotation`).
 */
export function searchKind(s: number, rotation: number): SampleKind {
  return s % 3 === 0
    ? 'random-corner'
    : s % 3 === 1
      ? 'uniform'
      : SAMPLE_KINDS[rotation % SAMPLE_KINDS.length]!;
}

const TILT_GROUP = 16;

function tiltCorner(
  w: Float32Array,
  lo: Float32Array,
  hi: Float32Array,
  rng: SplitMix64,
  out: Float32Array,
): Float32Array {
  for (let g = 0; g < w.length; g += TILT_GROUP) {
    tiltGroup(w, lo, hi, g, Math.min(w.length, g + TILT_GROUP), rng.uniform() < 0.5, out);
  }
  return out;
}

/**
 * Tilt one group [from, end) about its anchors' mean: weights whose anchor is at or above the mean go to
 * the upper edge when `up` (the lower one otherwise), the rest to the opposite edge.
 */
export function tiltGroup(
  anchor: Float32Array,
  lo: Float32Array,
  hi: Float32Array,
  from: number,
  end: number,
  up: boolean,
  out: Float32Array,
): void {
  let mean = 0;
  for (let i = from; i < end; i++) mean += anchor[i]!;
  mean /= end - from;
  for (let i = from; i < end; i++) out[i] = anchor[i]! >= mean === up ? hi[i]! : lo[i]!;
}

/** Mark (set to 1) every block whose bytes differ between `a` and `b`; returns how many differed. */
export function markChangedBlocks(a: Uint8Array, b: Uint8Array, blockBytes: number, bad: Uint8Array): number {
  if (a.length !== bad.length * blockBytes) {
    // Per-tensor side information (e.g. a tensor-wide gain stored before the blocks) couples every block
    // and shifts block offsets: any difference anywhere counts against every block.
    let differs = a.length !== b.length;
    for (let k = 0; k < a.length && !differs; k++) differs = a[k] !== b[k];
    if (!differs) return 0;
    let count = 0;
    for (let blk = 0; blk < bad.length; blk++) {
      if (!bad[blk]) count++;
      bad[blk] = 1;
    }
    return count;
  }
  let count = 0;
  for (let blk = 0; blk < bad.length; blk++) {
    const off = blk * blockBytes;
    for (let k = 0; k < blockBytes; k++) {
      if (a[off + k] !== b[off + k]) {
        if (!bad[blk]) count++;
        bad[blk] = 1;
        break;
      }
    }
  }
  return count;
}
