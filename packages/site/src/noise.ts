/**
 * Noise bands measured from history, never guessed: the median and the median absolute deviation of a
 * metric's past points (one per batch). A band needs at least MIN_BAND_POINTS past points; with fewer the
 * page says so instead of drawing one. The band is 3 × 1.4826 × MAD (1.4826·MAD estimates σ for normal
 * noise, so ±3σ-equivalent) — robust to the odd bad night that a standard deviation would absorb.
 */
import type { Better } from './metrics.ts';

export const MIN_BAND_POINTS = 5;
const MAD_TO_SIGMA = 1.4826;
const BAND_SIGMAS = 3;

export interface NoiseBand {
  median: number;
  mad: number;
  /** Half-width: a value further than this from the median is beyond noise. */
  halfWidth: number;
  /** Past points the band was measured on. */
  points: number;
  /** The lowest and highest past point. */
  min: number;
  max: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function noiseBand(past: readonly number[], minPoints = MIN_BAND_POINTS): NoiseBand | undefined {
  const finite = past.filter(Number.isFinite);
  if (finite.length < minPoints) return undefined;
  const med = median(finite);
  const mad = median(finite.map((v) => Math.abs(v - med)));
  return {
    median: med,
    mad,
    halfWidth: BAND_SIGMAS * MAD_TO_SIGMA * mad,
    points: finite.length,
    min: Math.min(...finite),
    max: Math.max(...finite),
  };
}

export type Change = 'regression' | 'improvement' | 'within-noise' | 'no-band';

/**
 * Where the latest value sits against the band of the points before it. A regression (or improvement) must
 * leave both the band and the range of every earlier point: the MAD of a handful of nights can come out small
 * by chance, and a value the metric has already taken before is not news. A history with no spread at all
 * (a deterministic metric: MAD 0) still has a band of width 0 plus a relative 1e-9 for float formatting, so
 * any real change of such a metric is reported — that is a change of the code, not noise.
 */
export function classifyChange(latest: number, band: NoiseBand | undefined, better: Better): Change {
  if (band === undefined || !Number.isFinite(latest)) return 'no-band';
  const tolerance = Math.max(band.halfWidth, 1e-9 * Math.max(1, Math.abs(band.median)));
  const delta = latest - band.median;
  if (Math.abs(delta) <= tolerance) return 'within-noise';
  if (latest >= band.min && latest <= band.max) return 'within-noise';
  const worse = better === 'higher' ? delta < 0 : delta > 0;
  return worse ? 'regression' : 'improvement';
}
