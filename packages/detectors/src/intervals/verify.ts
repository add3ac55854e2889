/**
 * The soundness check every box construction must pass: points inside the boxes (both all-lower and
 * all-upper corners, then random corners, uniform interior points and sparse corners) are encoded with the
 * real encoder and compared byte for byte with the bytes the boxes promise, block by block.
 */

import type { Format } from '@qbench/core';
import { SplitMix64 } from '@qbench/core';
import { markChangedBlocks, SAMPLE_KINDS, samplePoint } from './sample.ts';
import { type Boxes, type BoxOptions, encodeWith } from './types.ts';

export interface BoxCheck {
  /** Points encoded. */
  samples: number;
  /** Blocks compared per point. */
  blocks: number;
  /** (point, block) pairs whose bytes differed: must be 0. */
  violations: number;
}

export function checkBoxes(
  format: Format,
  w: Float32Array,
  boxes: Boxes,
  options: BoxOptions,
  check: { samples: number; seed: number },
): BoxCheck {
  const n = w.length;
  const nBlocks = n / format.blockElements;
  const rng = new SplitMix64(check.seed);
  const point = new Float32Array(n);
  let violations = 0;
  for (let s = 0; s < check.samples; s++) {
    if (s === 0) point.set(boxes.lo);
    else if (s === 1) point.set(boxes.hi);
    else samplePoint(SAMPLE_KINDS[s % SAMPLE_KINDS.length]!, boxes.anchor, boxes.lo, boxes.hi, rng, point);
    const bad = new Uint8Array(nBlocks);
    violations += markChangedBlocks(boxes.bytes, encodeWith(format, point, options), format.blockBytes, bad);
  }
  return { samples: check.samples, blocks: nBlocks, violations };
}
