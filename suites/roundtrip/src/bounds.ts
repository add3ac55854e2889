/**
 * Deriving a spec's round-trip NMSE bounds (tolerance.roundTrip.maxNmse for N(0,1), maxNmseBySource for the
 * other sources) from measurement, so that they can be re-derived rather than retyped:
 *   worst = max NMSE of decode(encode(x)) over the suite's own runs (the quick and the full tensor size, with
 *           the suite's seed for the source) and `seeds` more tensors of `elements` (≥ 2^18) elements;
 *   bound = worst × BOUND_MARGIN, rounded UP to two significant digits.
 * A format whose spec requires an importance matrix is measured with the all-ones one (core's encodeOptionsFor),
 * as the suite encodes it.
 * The suite's runs are included so that the bound provably holds where the suite checks it; the large
 * samples keep it from being fitted to one small draw. Student-t(3) and the outlier mixture are heavy-tailed:
 * the NMSE of one draw is dominated by its few largest elements, which is what the margin is for.
 * scripts/measure-roundtrip-bounds.ts prints the table.
 */
import {
  encodeForSuite,
  type Format,
  generate,
  listSpecs,
  loadFormat,
  nmse,
  roundTripBound,
} from '@qbench/core';
import { SOURCES, TENSOR_ELEMENTS, tensorSize } from './properties.ts';

export const BOUND_MARGIN = 1.25;
/** Elements and count of the large extra samples per source. */
export const BOUND_SAMPLES = { elements: 2 ** 18, seeds: 4 } as const;

export interface BoundRun {
  elements: number;
  seed: number;
  nmse: number;
}

export interface BoundRow {
  format: string;
  source: string;
  /** The bound the spec states now for this source (maxNmse where it names none), if any. */
  stated: number | undefined;
  runs: BoundRun[];
  worst: BoundRun;
  /** worst × BOUND_MARGIN, rounded up to two significant digits. */
  derived: number;
}

/** Rounds x > 0 up to `digits` significant digits: 0.012931 → 0.013, 0.0125 → 0.013, 0.0120 → 0.012. */
export function roundUpSignificant(x: number, digits = 2): number {
  if (!(x > 0) || !Number.isFinite(x)) return x;
  const unit = 10 ** (Math.floor(Math.log10(x)) - digits + 1);
  // Tolerate the float error of x / unit so that an exact 0.012 stays 0.012.
  const up = Math.ceil(x / unit - 1e-9) * unit;
  return Number(up.toPrecision(digits));
}

/** The (elements, seed) pairs one source is measured on for `format`. */
export function boundRuns(
  format: Format,
  seed: number,
  samples: { elements: number; seeds: number } = BOUND_SAMPLES,
): { elements: number; seed: number }[] {
  const runs = [
    { elements: tensorSize(format, TENSOR_ELEMENTS.quick), seed },
    { elements: tensorSize(format, TENSOR_ELEMENTS.full), seed },
  ];
  for (let k = 1; k <= samples.seeds; k++)
    runs.push({ elements: tensorSize(format, samples.elements), seed: seed + k * 0x10000 });
  return runs;
}

/** Measures `format` on every source of the suite. */
export function measureBounds(
  format: Format,
  samples: { elements: number; seeds: number } = BOUND_SAMPLES,
): BoundRow[] {
  return SOURCES.map(({ name, source, seed }) => {
    const runs = boundRuns(format, seed, samples).map(({ elements, seed: s }) => {
      const x = generate(source, elements, s);
      return {
        elements,
        seed: s,
        nmse: nmse(x, format.reference.decode(encodeForSuite(format, x), elements)),
      };
    });
    const worst = runs.reduce((a, b) => (b.nmse > a.nmse ? b : a));
    return {
      format: format.id,
      source: name,
      stated: roundTripBound(format.spec.tolerance.roundTrip, name),
      runs,
      worst,
      derived: roundUpSignificant(worst.nmse * BOUND_MARGIN),
    };
  });
}

/** measureBounds over the registry's formats, or over the ids given (dynamic ids too), one format at a time. */
export async function* measureRegistry(
  ids?: readonly string[],
  samples: { elements: number; seeds: number } = BOUND_SAMPLES,
): AsyncGenerator<BoundRow[]> {
  for (const id of ids ?? listSpecs().map((s) => s.id)) yield measureBounds(await loadFormat(id), samples);
}
