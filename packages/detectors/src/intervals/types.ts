/**
 * Shared shapes of the box ("interval") constructions: per-weight [lo, hi] such that every tensor inside
 * all boxes encodes to exactly the bytes of the tensor the boxes were built from.
 */
import { encodeOptionsFor, type Format } from '@qbench/core';

export type BoxMethod = 'cell' | 'error-box' | 'grid-box';

export interface Boxes {
  /** Lower and upper edge per weight, float32 values that are themselves inside the box. */
  lo: Float32Array;
  hi: Float32Array;
  /** 1 where the weight is frozen (lo = hi = w): it sets a scale, or its block could not be made sound. */
  frozen: Uint8Array;
  /** The point the boxes shrink toward and freeze at: the weight, or its dequantized value. */
  anchor: Float32Array;
  method: BoxMethod;
  /** Bytes every point inside the boxes must encode to. */
  bytes: Uint8Array;
  /** Blocks whose non-frozen boxes were shrunk (error-box) or frozen entirely after the soundness search. */
  shrunkBlocks: number;
  frozenBlocks: number;
}

export interface BoxOptions {
  /** Row length passed to the encoder (k-quants and imatrix searches are per row). */
  nPerRow: number;
  imatrix?: Float32Array;
  /** Fraction of each measured cell's width removed at both ends (cell method). Default 0.02. */
  margin?: number;
  /** Grid boxes: starting radius as a fraction of each group's largest |w − dequant(w)| (grid-box.ts). */
  radius?: number;
  /** Bisection steps of the cell method (default 28; detectors that only need positions use fewer). */
  bisectSteps?: number;
  /** Seed for the error-box soundness search. */
  seed?: number;
  /** Random points per round of the error-box soundness search. Default 8. */
  samplesPerRound?: number;
  /** Rounds of shrink-and-resample before a still-violating block is frozen. Default 16; the search stops after two clean rounds. */
  rounds?: number;
}

export type BoxBuilder = (format: Format, w: Float32Array, options: BoxOptions) => Boxes;

/**
 * Encode with the options the boxes were built for, under the suites' imatrix policy (core's
 * encodeOptionsFor): a format whose spec requires an importance matrix and got none is encoded with the
 * uniform one, the same every time, so boxes, attacks and detectors agree on the bytes.
 */
export function encodeWith(format: Format, x: Float32Array, options: BoxOptions): Uint8Array {
  const base = { nPerRow: options.nPerRow, ...(options.imatrix ? { imatrix: options.imatrix } : {}) };
  return format.reference.encode(x, encodeOptionsFor(format, x.length, base).options);
}

/** Mean box width relative to the weight scale of the tensor: the attacker's room to move. */
export function boxStats(b: Boxes, w: Float32Array): { meanWidthRel: number; frozenFraction: number } {
  let absSum = 0;
  let width = 0;
  let frozen = 0;
  for (let i = 0; i < w.length; i++) {
    absSum += Math.abs(w[i]!);
    width += b.hi[i]! - b.lo[i]!;
    frozen += b.frozen[i]!;
  }
  return { meanWidthRel: absSum > 0 ? width / absSum : 0, frozenFraction: frozen / w.length };
}
