/**
 * Error metrics between a reference signal and its reconstruction. Sums run in float64; inputs are
 * float32 arrays. Non-finite reconstructions make MSE/SQNR non-finite rather than being skipped:
 * a NaN in a decode is a result, not noise to hide.
 */
import { f32ToBits } from './float-bits.ts';

type Vec = ArrayLike<number>;

function checkSameLength(a: Vec, b: Vec, what: string): void {
  if (a.length !== b.length) throw new RangeError(`${what}: lengths differ (${a.length} vs ${b.length})`);
}

export function mse(ref: Vec, got: Vec): number {
  checkSameLength(ref, got, 'mse');
  if (ref.length === 0) return 0;
  let s = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = ref[i]! - got[i]!;
    s += d * d;
  }
  return s / ref.length;
}

export function rmse(ref: Vec, got: Vec): number {
  return Math.sqrt(mse(ref, got));
}

export function meanSquare(x: Vec): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return x.length === 0 ? 0 : s / x.length;
}

/** Signal-to-quantization-noise ratio, 10·log10(Σx² / Σ(x−x̂)²). +Infinity when exact. */
export function sqnrDb(ref: Vec, got: Vec): number {
  const noise = mse(ref, got);
  const signal = meanSquare(ref);
  if (noise === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(signal / noise);
}

/** Normalised MSE: Σ(x−x̂)² / Σx². */
export function nmse(ref: Vec, got: Vec): number {
  return mse(ref, got) / meanSquare(ref);
}

export function maxAbsError(ref: Vec, got: Vec): number {
  checkSameLength(ref, got, 'maxAbsError');
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ref[i]! - got[i]!);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}

export function cosineSimilarity(a: Vec, b: Vec): number {
  checkSameLength(a, b, 'cosineSimilarity');
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  if (aa === 0 && bb === 0) return 1;
  if (aa === 0 || bb === 0) return 0;
  return ab / Math.sqrt(aa * bb);
}

/** Map float32 bits to a monotone integer line so that ULP distance is a subtraction (−0 and +0 coincide). */
function orderedF32(x: number): number {
  const b = f32ToBits(x);
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}

/**
 * Distance in float32 units in the last place. Equal values (including ±0) give 0; NaN against NaN gives 0
 * (NaN-ness is what the golden vectors compare); NaN against a number gives Infinity.
 */
export function ulpDistance(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an && bn ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(orderedF32(a) - orderedF32(b));
}

export function maxUlpDistance(ref: Vec, got: Vec): number {
  checkSameLength(ref, got, 'maxUlpDistance');
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, ulpDistance(ref[i]!, got[i]!));
  return m;
}

/** log-softmax in float64 with the max subtracted for stability. */
export function logSoftmax(logits: Vec): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i]! - max);
  const lse = max + Math.log(sum);
  const out = new Float64Array(logits.length);
  for (let i = 0; i < logits.length; i++) out[i] = logits[i]! - lse;
  return out;
}

/** KL(P || Q) in nats between the softmax distributions of two logit vectors. */
export function klDivergenceLogits(logitsP: Vec, logitsQ: Vec): number {
  checkSameLength(logitsP, logitsQ, 'klDivergenceLogits');
  const lp = logSoftmax(logitsP);
  const lq = logSoftmax(logitsQ);
  let kl = 0;
  for (let i = 0; i < lp.length; i++) {
    const p = Math.exp(lp[i]!);
    if (p > 0) kl += p * (lp[i]! - lq[i]!);
  }
  return Math.max(0, kl);
}

export interface ErrorSummary {
  mse: number;
  rmse: number;
  sqnrDb: number;
  maxAbsError: number;
  cosineSimilarity: number;
}

export function summarizeError(ref: Vec, got: Vec): ErrorSummary {
  const m = mse(ref, got);
  return {
    mse: m,
    rmse: Math.sqrt(m),
    sqnrDb: sqnrDb(ref, got),
    maxAbsError: maxAbsError(ref, got),
    cosineSimilarity: cosineSimilarity(ref, got),
  };
}
