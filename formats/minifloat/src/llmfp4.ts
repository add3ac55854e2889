/**
 * LLM-FP4 (Liu et al., "LLM-FP4: 4-Bit Floating-Point Quantized Transformers", EMNLP 2023), the weight-only
 * variant qbench measures: per tensor, the exponent/mantissa split of the 4-bit float and its real-valued
 * exponent bias b (equivalently the clipping maximum) are searched to minimise the reconstruction MSE.
 * The public code (nbasyl/LLM-FP4 quant_layers/fp_linear.py) quantizes w to the grid
 *   maxval = (2 − 2^−M)·2^(2^E − 1 − b),  ŵ = round(clamp(w, ±maxval)/σ)·σ,
 *   σ = 2^(max(⌊log2|w| + b⌋, 1) − M − b)
 * which is the ExMy grid with no Inf/NaN codes and subnormals at field 0 (the family's ElementFormat
 * with bias β = 2^(E−1) − 1) times s = 2^(β − b). So a candidate is (split, s) and
 *   ŵ = fl(T_split[code] · s),   s = fl(2^(β − b))   (one float32 multiply, as every scaled minifloat here)
 * The search (every choice the paper leaves open is stated in the spec):
 *   b0 = 2^E − log2(amax) + log2(2 − 2^−M) − 1   the min-max bias (maxval = amax), _initialize_intervals
 *   b ∈ {b0} ∪ {b0·(α + i(β' − α)/n) : i = 0 … n}, α = 0.01, β' = 1.2, n = 100 (eq_alpha/eq_beta/eq_n)
 *   splits in the spec's order; the objective Σ(w − ŵ)² in float64; the first minimum wins (split order,
 *   then b0 before the grid, then i ascending), so a tie keeps the earlier split and the min-max scale.
 * Encode rounds each |w| to the nearest grid magnitude of the chosen candidate (float32 values, midpoints
 * exact in float64); an exact midpoint goes to the neighbour whose multiple of the lower neighbour's
 * quantum σ is even, which is what round-half-to-even of w/σ (torch.round) gives in exact arithmetic.
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { checkBytes, checkFinite, checkWholeBlocks } from './common.ts';
import { checkParams, ElementFormat, type MinifloatParams } from './element.ts';
import { packCodes, unpackCodes } from './packing.ts';

const f = Math.fround;
/** float32 scale, then the u8 split index (spec layout.sideInfo, per tensor). */
export const HEADER_BYTES = 5;
/** Prefix sums kept every STRIDE sorted magnitudes: the objective needs sums up to 7 thresholds only. */
const STRIDE = 64;

export interface LlmFp4Params {
  search: 'llm-fp4';
  /** Candidate 4-bit element formats, in search (and tie) order; the header stores the index. */
  splits: MinifloatParams[];
  /** The bias grid b0·(alpha + i·(beta − alpha)/steps), i = 0 … steps. */
  biasFactorAlpha: number;
  biasFactorBeta: number;
  biasSteps: number;
}

export function llmFp4Params(spec: ResolvedSpec): LlmFp4Params {
  const p = spec.params as Partial<LlmFp4Params> | undefined;
  const splits = p?.splits;
  if (
    p?.search !== 'llm-fp4' ||
    !Array.isArray(splits) ||
    splits.length === 0 ||
    typeof p.biasFactorAlpha !== 'number' ||
    typeof p.biasFactorBeta !== 'number' ||
    !Number.isInteger(p.biasSteps) ||
    p.biasSteps! < 1
  ) {
    throw new QbenchError(
      'minifloat.params',
      `${spec.id}: params must give search 'llm-fp4', splits, biasFactorAlpha, biasFactorBeta and biasSteps ≥ 1`,
    );
  }
  return {
    search: 'llm-fp4',
    splits: splits.map((s) => checkParams(s)),
    biasFactorAlpha: p.biasFactorAlpha,
    biasFactorBeta: p.biasFactorBeta,
    biasSteps: p.biasSteps!,
  };
}

/** One split's magnitudes (codes 0 … 2^(bits−1) − 1, ascending) and its tie rule. */
export interface Split {
  format: ElementFormat;
  /** β = the element format's bias. */
  bias: number;
  /** T[code] for the non-negative codes. */
  magnitudes: Float64Array;
  /** tieUp[k]: an exact midpoint between magnitudes k and k+1 goes to k+1. */
  tieUp: boolean[];
}

export function makeSplit(p: MinifloatParams): Split {
  const format = new ElementFormat(p);
  const count = 1 << (p.ebits + p.mbits);
  const magnitudes = Float64Array.from({ length: count }, (_, c) => format.table[c]!);
  const tieUp: boolean[] = [];
  for (let k = 0; k + 1 < count; k++) {
    // the quantum σ of code k's binade, in element units: 2^(max(field, 1) − bias − mbits)
    const quantum = 2 ** (Math.max(k >> p.mbits, 1) - p.bias - p.mbits);
    tieUp.push((magnitudes[k + 1]! / quantum) % 2 === 0);
  }
  return { format, bias: p.bias, magnitudes, tieUp };
}

/** The paper's min-max bias b0 for one split: the b whose maxval is amax. */
export function minMaxBias(split: Split, amax: number): number {
  const { ebits, mbits } = split.format.params;
  return 2 ** ebits - Math.log2(amax) + Math.log2(2 - 2 ** -mbits) - 1;
}

/** s = fl(2^(β − b)): the factor from the element grid to the paper's grid with bias b. */
export function scaleOfBias(split: Split, b: number): number {
  return f(2 ** (split.bias - b));
}

/** The candidate biases for one split, in search order: b0 first (min-max), then the paper's grid. */
export function candidateBiases(p: LlmFp4Params, b0: number): number[] {
  const out = [b0];
  for (let i = 0; i <= p.biasSteps; i++)
    out.push(b0 * (p.biasFactorAlpha + (i * (p.biasFactorBeta - p.biasFactorAlpha)) / p.biasSteps));
  return out;
}

/** Sorted |w| with prefix sums of |w| and w² every STRIDE elements: the objective of a grid in O(7·STRIDE). */
export class SortedMagnitudes {
  /** |w| ascending (float32: every read is exact in float64, and half the memory of a float64 copy). */
  readonly a: Float32Array;
  private readonly s1: Float64Array;
  private readonly s2: Float64Array;

  constructor(x: Float32Array) {
    this.a = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) this.a[i] = Math.abs(x[i]!);
    this.a.sort();
    const blocks = Math.floor(this.a.length / STRIDE);
    this.s1 = new Float64Array(blocks + 1);
    this.s2 = new Float64Array(blocks + 1);
    for (let b = 0; b < blocks; b++) {
      let t1 = 0;
      let t2 = 0;
      for (let i = b * STRIDE; i < (b + 1) * STRIDE; i++) {
        t1 += this.a[i]!;
        t2 += this.a[i]! * this.a[i]!;
      }
      this.s1[b + 1] = this.s1[b]! + t1;
      this.s2[b + 1] = this.s2[b]! + t2;
    }
  }

  /** Σ|w| and Σw² over the first `end` sorted magnitudes. */
  private prefix(end: number): [number, number] {
    const b = Math.floor(end / STRIDE);
    let t1 = this.s1[b]!;
    let t2 = this.s2[b]!;
    for (let i = b * STRIDE; i < end; i++) {
      t1 += this.a[i]!;
      t2 += this.a[i]! * this.a[i]!;
    }
    return [t1, t2];
  }

  /** First index whose magnitude is ≥ v. */
  private lowerBound(v: number): number {
    let lo = 0;
    let hi = this.a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.a[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Σ(|w| − g(|w|))² with g the nearest of the ascending grid (ties cost the same either way). */
  sse(grid: Float64Array): number {
    let total = 0;
    let start = 0;
    let [p1, p2] = [0, 0];
    for (let k = 0; k < grid.length; k++) {
      const end = k + 1 < grid.length ? this.lowerBound((grid[k]! + grid[k + 1]!) / 2) : this.a.length;
      const [q1, q2] = this.prefix(end);
      const g = grid[k]!;
      total += q2 - p2 - 2 * g * (q1 - p1) + (end - start) * g * g;
      [p1, p2, start] = [q1, q2, end];
    }
    return total;
  }
}

export interface LlmFp4Choice {
  /** Index into the spec's splits. */
  split: number;
  /** The float32 scale s stored in the header. */
  scale: number;
  /** The paper's bias b that gave it. */
  bias: number;
  /** The objective Σ(w − ŵ)² (float64) of the choice. */
  sse: number;
}

/** The grid magnitudes fl(T[code]·s) of one candidate. */
export function gridOf(split: Split, scale: number): Float64Array {
  return split.magnitudes.map((t) => f(t * scale));
}

/**
 * The search: a deterministic function of the tensor. `only` restricts it to one split and `minMaxOnly`
 * to b0 (the fixed formats the tests compare against).
 */
export function searchLlmFp4(
  x: Float32Array,
  p: LlmFp4Params,
  splits: readonly Split[],
  restrict: { only?: number; minMaxOnly?: boolean } = {},
): LlmFp4Choice {
  let amax = 0;
  for (let i = 0; i < x.length; i++) amax = Math.max(amax, Math.abs(x[i]!));
  // an all-zero (or empty) tensor: every candidate is exact; the first split with s = 1
  if (amax === 0)
    return { split: restrict.only ?? 0, scale: 1, bias: splits[restrict.only ?? 0]!.bias, sse: 0 };
  const sorted = new SortedMagnitudes(x);
  let best: LlmFp4Choice | undefined;
  for (let j = 0; j < splits.length; j++) {
    if (restrict.only !== undefined && j !== restrict.only) continue;
    const split = splits[j]!;
    const b0 = minMaxBias(split, amax);
    const biases = restrict.minMaxOnly ? [b0] : candidateBiases(p, b0);
    for (const b of biases) {
      const scale = scaleOfBias(split, b);
      // a bias so extreme that s leaves float32 (only for absurd amax) is not a candidate
      if (!(scale > 0) || !Number.isFinite(scale)) continue;
      const sse = sorted.sse(gridOf(split, scale));
      if (best === undefined || sse < best.sse) best = { split: j, scale, bias: b, sse };
    }
  }
  if (!best)
    throw new QbenchError('minifloat.search', `llm-fp4: no usable scale for a tensor with amax ${amax}`);
  return best;
}

/** The 4-bit code of w on the grid (sign bit above the magnitude bits). */
export function encodeOn(w: number, split: Split, grid: Float64Array): number {
  const a = Math.abs(w);
  let k = 0;
  while (k + 1 < grid.length) {
    const mid = (grid[k]! + grid[k + 1]!) / 2; // exact in float64
    if (a < mid || (a === mid && !split.tieUp[k])) break;
    k++;
  }
  const sign = w < 0 || Object.is(w, -0) ? split.format.signBit : 0;
  return sign | k;
}

export function llmFp4Codec(spec: ResolvedSpec): ReferenceCodec {
  const { id } = spec;
  const p = llmFp4Params(spec);
  const splits = p.splits.map(makeSplit);
  const bits = splits[0]!.format.bits;
  if (
    splits.some((s) => s.format.bits !== bits) ||
    bits * spec.layout.blockElements !== spec.layout.blockBytes * 8
  ) {
    throw new QbenchError('minifloat.layout', `${id}: every split must have the layout's ${bits}-bit codes`);
  }
  const blockElements = spec.layout.blockElements;
  const encodedBytes = (n: number) => {
    checkWholeBlocks(id, n, blockElements);
    return HEADER_BYTES + (n / blockElements) * spec.layout.blockBytes;
  };
  return {
    encodedBytes,
    encode(x: Float32Array, _options: EncodeOptions = {}) {
      // NaN/Inf make the objective undefined: rejected whatever options.nonFinite says
      checkFinite(id, x, blockElements);
      const out = new Uint8Array(encodedBytes(x.length));
      const choice = searchLlmFp4(x, p, splits);
      const split = splits[choice.split]!;
      const view = new DataView(out.buffer);
      view.setFloat32(0, choice.scale, true);
      out[4] = choice.split;
      const grid = gridOf(split, choice.scale);
      const codes = new Uint16Array(x.length);
      for (let i = 0; i < x.length; i++) codes[i] = encodeOn(x[i]!, split, grid);
      packCodes(codes, bits, out, HEADER_BYTES);
      return out;
    },
    decode(q: Uint8Array, n: number) {
      checkBytes(id, q.length, encodedBytes(n), n);
      const scale = new DataView(q.buffer, q.byteOffset, q.byteLength).getFloat32(0, true);
      if (!(scale > 0) || !Number.isFinite(scale)) {
        throw new QbenchError(
          'codec.scale',
          `${id}: tensor scale at byte 0 is ${scale}; it must be finite and > 0`,
          {
            format: id,
            got: scale,
          },
        );
      }
      const split = splits[q[4]!];
      if (!split) {
        throw new QbenchError(
          'codec.split',
          `${id}: split index at byte 4 is ${q[4]}; expected 0…${splits.length - 1}`,
          { format: id, expected: `0…${splits.length - 1}`, got: q[4] },
        );
      }
      const codes = unpackCodes(q, bits, n, HEADER_BYTES);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) y[i] = f(split.format.table[codes[i]!]! * scale);
      return y;
    },
  };
}
