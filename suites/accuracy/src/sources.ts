/**
 * The accuracy suite's seeded sources. Every source has unit variance except where the point is the
 * spread (outliers, channel scales), so SQNR numbers are comparable across sources and formats.
 */
import { generate, SplitMix64 } from '@qbench/core';

export const SOURCE_NAMES = [
  'gaussian',
  'laplace',
  'student_t3',
  'gaussian_outliers',
  'channel_spread',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

export const SOURCE_DESCRIPTIONS: Readonly<Record<SourceName, string>> = {
  gaussian: 'N(0,1)',
  laplace: 'Laplace with unit variance (b = 1/√2)',
  student_t3: "Student's t with 3 degrees of freedom (heavy tails; infinite kurtosis)",
  gaussian_outliers: 'N(0,1) with 1% of values multiplied by 50',
  channel_spread:
    'rows of N(0,1) each scaled by exp(N(0, 0.5²)) (per-channel scale spread, a stand-in for real weight matrices)',
};

/** n values of a source, laid out as rows of `cols` (only channel_spread depends on the row structure). */
export function sample(source: SourceName, n: number, cols: number, seed: number): Float32Array {
  switch (source) {
    case 'gaussian':
      return generate({ kind: 'gaussian' }, n, seed);
    case 'laplace':
      return generate({ kind: 'laplace', b: Math.SQRT1_2 }, n, seed);
    case 'student_t3':
      return generate({ kind: 'student_t', nu: 3 }, n, seed);
    case 'gaussian_outliers':
      return generate({ kind: 'outlier_mixture', p: 0.01, factor: 50 }, n, seed);
    case 'channel_spread': {
      const x = generate({ kind: 'gaussian' }, n, seed);
      const rng = new SplitMix64(BigInt(seed) ^ 0x5eedn);
      for (let r = 0; r * cols < n; r++) {
        const s = Math.exp(0.5 * rng.normal());
        for (let j = r * cols; j < Math.min(n, (r + 1) * cols); j++) x[j] = Math.fround(x[j]! * s);
      }
      return x;
    }
  }
}
