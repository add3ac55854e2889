/**
 * Bit allocation for a mixture of experts under a memory budget, hottest-expert-bit-first (after D²MoE's
 * HEBF, arXiv 2504.15299, whose exact scheduler is unpublished). Every expert starts at the lowest width;
 * then, one step at a time, the hottest expert that can take its next width gets it, provided the total
 * stays within the budget and it does not overtake a hotter expert. Invariants (tested): total bytes ≤
 * budget, and a hotter expert never has fewer bits than a colder one.
 */
import { QbenchError } from '@qbench/core';
import { GROUP_SIZE } from './spec.ts';

export interface Expert {
  /** Routing frequency or any score; larger = hotter. */
  hotness: number;
  /** Weights in the expert (a multiple of the group size for the default cost). */
  weights: number;
}

export interface Allocation {
  /** Bits per expert, in input order. */
  bits: number[];
  bytes: number;
}

/** Bytes of an r-bit MWQ model of n weights: ⌈n·r/8⌉ + 5 bytes (f32 scale, u8 zero) per group. */
export function mwqBytes(weights: number, r: number): number {
  return Math.ceil((weights * r) / 8) + 5 * Math.ceil(weights / GROUP_SIZE);
}

export function allocateBits(
  experts: readonly Expert[],
  budgetBytes: number,
  widths: readonly number[] = [2, 3, 4, 6, 8],
  cost: (weights: number, r: number) => number = mwqBytes,
): Allocation {
  const levels = [...widths].sort((a, b) => a - b);
  if (levels.length === 0) throw new QbenchError('mwq.alloc', 'no bit-widths to choose from');
  for (const [i, e] of experts.entries()) {
    if (!Number.isFinite(e.hotness) || !Number.isInteger(e.weights) || e.weights < 0) {
      throw new QbenchError(
        'mwq.alloc',
        `expert ${i}: hotness ${e.hotness} and weights ${e.weights} must be finite, weights a count`,
        { expert: i },
      );
    }
  }
  // Hottest first; equal hotness keeps input order, so the allocation is deterministic.
  const order = experts.map((_, i) => i).sort((a, b) => experts[b]!.hotness - experts[a]!.hotness || a - b);
  const level = new Array<number>(experts.length).fill(0);
  let bytes = experts.reduce((s, e) => s + cost(e.weights, levels[0]!), 0);
  if (bytes > budgetBytes) {
    throw new QbenchError(
      'mwq.alloc',
      `even ${levels[0]} bits for every expert needs ${bytes} bytes, over the budget of ${budgetBytes}`,
      {
        expected: budgetBytes,
        got: bytes,
      },
    );
  }
  for (;;) {
    let upgraded = false;
    for (let rank = 0; rank < order.length; rank++) {
      const i = order[rank]!;
      const next = level[i]! + 1;
      if (next >= levels.length) continue;
      if (rank > 0 && next > level[order[rank - 1]!]!) continue; // would overtake a hotter expert
      const extra = cost(experts[i]!.weights, levels[next]!) - cost(experts[i]!.weights, levels[level[i]!]!);
      if (bytes + extra > budgetBytes) continue;
      level[i] = next;
      bytes += extra;
      upgraded = true;
      break;
    }
    if (!upgraded) break;
  }
  return { bits: level.map((l) => levels[l]!), bytes };
}
