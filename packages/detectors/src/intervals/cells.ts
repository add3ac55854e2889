/**
 * Exact rounding cells for formats whose codes are chosen element by element once the block's scale is
 * fixed (q8_0, q4_0, q5_0, q4_1, NF4, FP4, MX, NVFP4, minifloats, bfp, mwq …).
 *
 * The scale of such a block is a function of its extremes (absmax, or min and max), so the weights at the
 * block's argmin and argmax are frozen and every other weight is kept strictly inside (min, max): then the
 * scale cannot move and each weight's code depends on that weight alone. The cell of a weight — the set of
 * values that keep its code — is measured with the format's own encoder rather than retyped from a table:
 * all weights of the tensor are bisected at once (one encode per step moves every free weight to its own
 * probe), comparing the decoded float bits with the original ones. That needs no knowledge of the rounding
 * rule (ties, truncation, codebook midpoints, fp16 rounding of the scale between search and store all come
 * out of the real code), and it is the code → value·scale table's midpoint cell whenever the encoder rounds
 * to nearest. A stated margin (a fraction of the measured cell width, default 2%) is then removed at both
 * ends. Soundness still rests on monotone cells; the sampling check (verify.ts) is what proves it.
 */
import type { Format } from '@qbench/core';
import { type Boxes, type BoxOptions, encodeWith } from './types.ts';

/** Bisection steps: 2^-28 of the block's range is far below one float32 ulp of a cell edge's neighbours. */
const STEPS = 28;

function bitsOf(x: Float32Array): Uint32Array {
  return new Uint32Array(x.buffer, x.byteOffset, x.length);
}

/** Frozen weights (block argmin/argmax) and the open range every other weight must stay in. */
export function extremesRange(
  format: Format,
  w: Float32Array,
): { frozen: Uint8Array; rangeLo: Float32Array; rangeHi: Float32Array } {
  const n = w.length;
  const frozen = new Uint8Array(n);
  const rangeLo = new Float32Array(n);
  const rangeHi = new Float32Array(n);
  // A format with no scale (plain minifloat containers) has nothing to freeze: its cells are fixed.
  const scaled = format.spec.scale.kind !== 'none';
  const group = scaled ? format.blockElements : n;
  for (let b = 0; b < n; b += group) {
    let iMin = b;
    let iMax = b;
    for (let i = b + 1; i < b + group; i++) {
      if (w[i]! < w[iMin]!) iMin = i;
      if (w[i]! > w[iMax]!) iMax = i;
    }
    if (scaled) {
      frozen[iMin] = 1;
      frozen[iMax] = 1;
    }
    rangeLo.fill(w[iMin]!, b, b + group);
    rangeHi.fill(w[iMax]!, b, b + group);
  }
  return { frozen, rangeLo, rangeHi };
}

/**
 * Bisect every free weight's cell edge in one direction at once. `good` starts at the weight (same code)
 * and `bad` at the range end (never tested: a weight reaching its block's extreme could take over the
 * scale), so the result is the last float32 value seen to keep the code.
 */
function bisectEdges(
  format: Format,
  w: Float32Array,
  frozen: Uint8Array,
  deqBits: Uint32Array,
  end: Float32Array,
  options: BoxOptions,
): Float32Array {
  const n = w.length;
  const good = Float32Array.from(w);
  const bad = Float32Array.from(end);
  const probe = new Float32Array(n);
  for (let step = 0; step < (options.bisectSteps ?? STEPS); step++) {
    for (let i = 0; i < n; i++) {
      if (frozen[i]) {
        probe[i] = w[i]!;
        continue;
      }
      const mid = Math.fround((good[i]! + bad[i]!) / 2);
      probe[i] = mid === bad[i] ? good[i]! : mid;
    }
    const dec = format.reference.decode(encodeWith(format, probe, options), n);
    const decBits = bitsOf(dec);
    for (let i = 0; i < n; i++) {
      if (frozen[i]) continue;
      if (decBits[i] === deqBits[i]) good[i] = probe[i]!;
      else bad[i] = probe[i]!;
    }
  }
  return good;
}

export function buildCellBoxes(format: Format, w: Float32Array, options: BoxOptions): Boxes {
  const n = w.length;
  const margin = options.margin ?? 0.02;
  const bytes = encodeWith(format, w, options);
  const deq = format.reference.decode(bytes, n);
  const deqBits = Uint32Array.from(bitsOf(deq));
  const { frozen, rangeLo, rangeHi } = extremesRange(format, w);
  const hi = bisectEdges(format, w, frozen, deqBits, rangeHi, options);
  const lo = bisectEdges(format, w, frozen, deqBits, rangeLo, options);
  for (let i = 0; i < n; i++) {
    if (frozen[i]) {
      lo[i] = w[i]!;
      hi[i] = w[i]!;
      continue;
    }
    const cut = margin * (hi[i]! - lo[i]!);
    // The margin never pushes an edge past the weight itself: the weight is a point of its own cell.
    lo[i] = Math.min(w[i]!, Math.fround(lo[i]! + cut));
    hi[i] = Math.max(w[i]!, Math.fround(hi[i]! - cut));
  }
  return { lo, hi, frozen, anchor: w, method: 'cell', bytes, shrunkBlocks: 0, frozenBlocks: 0 };
}
