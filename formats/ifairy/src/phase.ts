/**
 * PhaseQuant (Fairy±i / iFairy, Fairy2i): a complex weight w = a + ib goes to the nearest of
 * {+1, +i, −1, −i} by phase sector, with half-open sectors so that a weight on a sector boundary goes to
 * the counter-clockwise neighbour (torch: floor((angle + π/4)/(π/2)) mod 4). Written with comparisons
 * instead of atan2 so that the diagonals are decided exactly:
 *   +1 (k=0): a > 0 and −a ≤ b < a        +i (k=1): b > 0 and −b < a ≤ b
 *   −1 (k=2): a < 0 and a < b ≤ −a        −i (k=3): b < 0 and b ≤ a < −b
 * and 0 (either sign of zero in both parts) → +1, as torch's `a + 1j*b` normalises ±0 to +0.
 * The code k satisfies q = i^k.
 */
import { QbenchError } from '@qbench/core';

export type PhaseCode = 0 | 1 | 2 | 3;

export function phaseCode(a: number, b: number): PhaseCode {
  if (a > 0 && -a <= b && b < a) return 0;
  if (b > 0 && -b < a && a <= b) return 1;
  if (a < 0 && a < b && b <= -a) return 2;
  if (b < 0 && b <= a && a < -b) return 3;
  // Only (±0, ±0) is left for finite inputs.
  return 0;
}

export interface PhaseScales {
  /** mean |a| over the weights coded ±1 (0 when there are none). */
  sRe: number;
  /** mean |b| over the weights coded ±i (0 when there are none). */
  sIm: number;
}

export interface StageResult extends PhaseScales {
  /** One code per complex weight. */
  codes: Uint8Array;
}

/** Check an interleaved (re, im) tensor: even length, finite values; names the first offender. */
export function checkComplex(x: ArrayLike<number>, what: string): void {
  if (x.length % 2 !== 0) {
    throw new QbenchError(
      'ifairy.length',
      `${what}: ${x.length} values is not a whole number of (re, im) pairs`,
      {
        n: x.length,
      },
    );
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      const part = i % 2 === 0 ? 're' : 'im';
      throw new QbenchError(
        'ifairy.nonfinite',
        `${what}: complex weight ${i >> 1} (${part}, element ${i}) is ${x[i]}`,
        {
          index: i,
        },
      );
    }
  }
}

/**
 * One PhaseQuant stage over a whole tensor of interleaved (re, im) values. Scales are per tensor: the
 * class means are summed in float64 and rounded to float32 once (torch's float32 mean reduction order is
 * not specified, so no order would be "the" reference). An empty class gets scale 0 explicitly; iFairy
 * would produce NaN there and Fairy2i 1e-6, but no weight decodes through it, so 0 changes nothing.
 */
export function quantizeStage(x: ArrayLike<number>): StageResult {
  const m = x.length >> 1;
  const codes = new Uint8Array(m);
  let sumRe = 0;
  let nRe = 0;
  let sumIm = 0;
  let nIm = 0;
  for (let t = 0; t < m; t++) {
    const a = x[2 * t]!;
    const b = x[2 * t + 1]!;
    const k = phaseCode(a, b);
    codes[t] = k;
    if ((k & 1) === 0) {
      sumRe += Math.abs(a);
      nRe++;
    } else {
      sumIm += Math.abs(b);
      nIm++;
    }
  }
  return {
    codes,
    sRe: nRe === 0 ? 0 : Math.fround(sumRe / nRe),
    sIm: nIm === 0 ? 0 : Math.fround(sumIm / nIm),
  };
}

/** ŵ = s_re·Re(i^k) + i·s_im·Im(i^k), written into out[2t], out[2t+1]; the zero part is +0. */
export function dequantizeCode(k: number, s: PhaseScales, out: Float32Array, t: number): void {
  switch (k & 3) {
    case 0:
      out[2 * t] = s.sRe;
      out[2 * t + 1] = 0;
      break;
    case 1:
      out[2 * t] = 0;
      out[2 * t + 1] = s.sIm;
      break;
    case 2:
      out[2 * t] = -s.sRe;
      out[2 * t + 1] = 0;
      break;
    default:
      out[2 * t] = 0;
      out[2 * t + 1] = -s.sIm;
  }
}
