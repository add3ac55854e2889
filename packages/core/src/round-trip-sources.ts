/**
 * The generated tensors a reference codec's round-trip error is measured on: one seeded draw per source, of
 * about 8Ki elements (64Ki in full runs) rounded to whole blocks and side-info periods. The round-trip
 * suite records NMSE on them, the spec's roundTrip.maxNmseBySource bounds were measured on them
 * (scripts/measure-roundtrip-bounds.ts), and the families' property tests check the bounds on them.
 */
import type { Source } from './prng.ts';
import type { Format } from './traits.ts';

export const ROUND_TRIP_TENSORS: readonly { name: string; source: Source; seed: number }[] = [
  { name: 'gaussian', source: { kind: 'gaussian' }, seed: 0x51ab1e01 },
  { name: 'laplace', source: { kind: 'laplace' }, seed: 0x51ab1e02 },
  { name: 'student_t', source: { kind: 'student_t', nu: 3 }, seed: 0x51ab1e03 },
  { name: 'outlier_mixture', source: { kind: 'outlier_mixture', p: 0.01, factor: 50 }, seed: 0x51ab1e04 },
];

/** Elements per generated tensor in a full and a `--quick` run (rounded up by tensorSize). */
export const TENSOR_ELEMENTS = { full: 65536, quick: 8192 } as const;

/**
 * Element count: about `target`, rounded up to whole blocks and whole periods of every amortised side-info
 * item (e.g. one f32 absmax2 per 16384 elements in nf4_dq), so that the derived bits/weight predicts the
 * encoded size exactly; a partial period is padded to a whole one by the codec, which bits/weight amortises.
 */
export function tensorSize(format: Format, target: number): number {
  let unit = format.blockElements;
  for (const s of format.spec.layout.sideInfo ?? []) if (typeof s.per === 'number') unit = lcm(unit, s.per);
  return Math.ceil(target / unit) * unit;
}

function lcm(a: number, b: number): number {
  let [x, y] = [a, b];
  while (y) [x, y] = [y, x % y];
  return (a / x) * b;
}
