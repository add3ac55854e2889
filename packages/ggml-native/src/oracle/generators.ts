/**
 * Inputs for the differential oracle, deterministic from (seed, stream, row): ordinary distributions and
 * the corners where a float32 transcription of C goes wrong — −0.0 in one-signed blocks, float32
 * subnormals, magnitudes where x² or an fp16 scale overflows (1e12–1e38), exact midpoints of a block's
 * rounding grid, constant and sparse blocks, sub-blocks of tiny values among large ones — and importance
 * matrices from 0 to 1e30. Every value is finite; NaN and ±inf arise inside the quantizers, as in ggml.
 */
import { SplitMix64 } from '@qbench/core';

export const BLOCK_KINDS = [
  'gaussian',
  'laplace',
  'student_t3',
  'outliers',
  'one_signed_negzero',
  'subnormal',
  'tiny',
  'huge',
  'midpoint',
  'constant',
  'sparse',
  'mixed_scales',
  'ramp',
] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

export const IMATRIX_KINDS = [
  'lognormal',
  'ones',
  'zeros',
  'sparse_zeros',
  'huge',
  'tiny',
  'log_uniform',
] as const;
export type ImatrixKind = (typeof IMATRIX_KINDS)[number];

/**
 * Kinds left out of a type's encode inputs because ggml's quantizer aborts the process on them (the spec's
 * params.ggmlEncodeAborts, e.g. the i-quants' neighbour search on magnitudes whose weighted distances
 * overflow float32): an abort cannot be caught in-process, and qbench reproduces it as 'codec.ggml-abort'.
 */
export interface GeneratorExclusions {
  readonly blocks?: readonly BlockKind[];
  readonly imatrix?: readonly ImatrixKind[];
}

/** What a generated row is made of: one kind per block, and the imatrix kind. */
export interface RowRecipe {
  readonly blocks: readonly BlockKind[];
  readonly imatrix: ImatrixKind;
}

const F32_MAX = 3.4028234663852886e38;
/** Grid sizes whose midpoints (k + ½)·d the midpoint kind places values on: ggml's nmax values and more. */
const GRID_STEPS = [1, 1.5, 2, 3, 4, 6, 7, 8, 15, 16, 31, 32, 63, 127] as const;

function pick<T>(rng: SplitMix64, xs: readonly T[]): T {
  return xs[Math.floor(rng.uniform() * xs.length)]!;
}

/** 10^u with u uniform in [lo, hi]. */
function logUniform(rng: SplitMix64, lo: number, hi: number): number {
  return 10 ** (lo + (hi - lo) * rng.uniform());
}

function sign(rng: SplitMix64): number {
  return rng.uniform() < 0.5 ? -1 : 1;
}

/** Rounds to float32 and keeps it finite (huge draws can pass FLT_MAX). */
function put(out: Float32Array, i: number, v: number): void {
  out[i] = Math.max(-F32_MAX, Math.min(F32_MAX, v));
}

/** Fills one block (or any span) with values of the given kind. */
export function fillBlock(kind: BlockKind, rng: SplitMix64, out: Float32Array): void {
  const n = out.length;
  switch (kind) {
    case 'gaussian': {
      const s = logUniform(rng, -4, 3);
      for (let i = 0; i < n; i++) put(out, i, rng.normal() * s);
      return;
    }
    case 'laplace': {
      const s = logUniform(rng, -4, 3);
      for (let i = 0; i < n; i++) put(out, i, rng.laplace(s));
      return;
    }
    case 'student_t3': {
      const s = logUniform(rng, -4, 3);
      for (let i = 0; i < n; i++) put(out, i, rng.studentT(3) * s);
      return;
    }
    case 'outliers': {
      const s = logUniform(rng, -3, 1);
      const f = logUniform(rng, 1, 4);
      for (let i = 0; i < n; i++) put(out, i, rng.normal() * s * (rng.uniform() < 0.05 ? f : 1));
      return;
    }
    case 'one_signed_negzero': {
      // All values of one sign, with −0.0 (and +0) sprinkled in: the sign of a zero minimum/maximum matters.
      const sg = sign(rng);
      const s = logUniform(rng, -3, 2);
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        out[i] = u < 0.25 ? -0 : u < 0.3 ? 0 : sg * Math.abs(rng.normal() * s);
      }
      return;
    }
    case 'subnormal': {
      // float32 subnormals (|x| < 2^-126), down to a few ulps of 2^-149 (so 1/max overflows to inf), some
      // blocks with a few smallest normals among them.
      const withNormal = rng.uniform() < 0.5;
      const top = 2 ** (1 + Math.floor(rng.uniform() * 23));
      for (let i = 0; i < n; i++) {
        const mant = Math.floor(rng.uniform() * (top - 1)) + 1;
        const v =
          mant * 2 ** -149 * (withNormal && rng.uniform() < 0.1 ? 2 ** Math.floor(rng.uniform() * 8) : 1);
        out[i] = sign(rng) * v;
      }
      return;
    }
    case 'tiny': {
      const s = logUniform(rng, -30, -12);
      for (let i = 0; i < n; i++) put(out, i, rng.normal() * s);
      return;
    }
    case 'huge': {
      // x² overflows float32 above ~1.8e19; fp16 scales overflow above 65504·nmax.
      const s = logUniform(rng, 4, 37.5);
      for (let i = 0; i < n; i++) put(out, i, rng.normal() * s);
      return;
    }
    case 'midpoint': {
      // Values exactly on midpoints (k + ½)·d of a grid d = M/nmax, with M itself in the block so the
      // quantizer derives that very d: d has an 8-bit mantissa, so M = nmax·d, M/nmax and every (k + ½)·d
      // are exact in float32.
      const nmax = pick(rng, GRID_STEPS);
      const d = (1 + Math.floor(rng.uniform() * 255)) * 2 ** Math.floor(rng.uniform() * 40 - 28);
      const m = sign(rng) * nmax * d;
      out[0] = m;
      for (let i = 1; i < n; i++) {
        const kmax = Math.ceil(nmax);
        const k = Math.floor(rng.uniform() * 2 * kmax) - kmax; // |k + ½| ≤ nmax keeps |x| ≤ |M|
        out[i] = (k + 0.5) * d * Math.sign(m);
      }
      return;
    }
    case 'constant': {
      const u = rng.uniform();
      const v = u < 0.15 ? 0 : u < 0.3 ? -0 : sign(rng) * logUniform(rng, -8, 8);
      out.fill(v);
      return;
    }
    case 'sparse': {
      const s = logUniform(rng, -4, 4);
      const negZero = rng.uniform() < 0.5;
      for (let i = 0; i < n; i++) {
        const u = rng.uniform();
        out[i] = u < 0.9 ? (negZero ? -0 : 0) : rng.normal() * s;
      }
      return;
    }
    case 'mixed_scales': {
      // Spans of 16 values with wildly different scales: tiny sub-blocks among large ones make weighted
      // squared errors float32 subnormals (the K-quants' sub-block scale search).
      for (let o = 0; o < n; o += 16) {
        const s = rng.uniform() < 0.4 ? logUniform(rng, -25, -15) : logUniform(rng, -3, 3);
        for (let i = o; i < Math.min(n, o + 16); i++) put(out, i, rng.normal() * s);
      }
      return;
    }
    case 'ramp': {
      const s = logUniform(rng, -3, 3);
      for (let i = 0; i < n; i++) out[i] = ((i & 1 ? -1 : 1) * (i + 1) * s) / n;
      return;
    }
  }
}

/** Fills an importance matrix (one weight per column). */
export function fillImatrix(kind: ImatrixKind, rng: SplitMix64, out: Float32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'lognormal':
        out[i] = Math.exp(rng.normal());
        break;
      case 'ones':
        out[i] = 1;
        break;
      case 'zeros':
        out[i] = 0;
        break;
      case 'sparse_zeros':
        out[i] = rng.uniform() < 0.5 ? 0 : Math.exp(rng.normal());
        break;
      case 'huge':
        out[i] = logUniform(rng, 6, 30);
        break;
      case 'tiny':
        out[i] = logUniform(rng, -30, -6);
        break;
      case 'log_uniform':
        out[i] = rng.uniform() < 0.05 ? 0 : logUniform(rng, -30, 30);
        break;
    }
  }
}

/** splitmix64 seed of one row of one stream: distinct streams and rows never share a sequence. */
export function rowSeed(seed: number, stream: number, row: number): bigint {
  const s = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n);
  return BigInt.asUintN(64, s ^ (BigInt(stream) << 40n) ^ BigInt(row));
}

/**
 * One row of `x.length` values in blocks of `blockElements` and, when `imatrix` is given, its importance
 * matrix. Half the rows are one kind throughout; the others mix kinds block by block (so tiny blocks sit in
 * rows of huge ones, which matters where ggml computes a row statistic).
 */
export function generateRow(
  seed: bigint,
  blockElements: number,
  x: Float32Array,
  imatrix?: Float32Array,
  exclude?: GeneratorExclusions,
): RowRecipe {
  const rng = new SplitMix64(seed);
  const nBlocks = x.length / blockElements;
  const uniform = rng.uniform() < 0.5;
  const blockKinds = exclude?.blocks ? BLOCK_KINDS.filter((k) => !exclude.blocks!.includes(k)) : BLOCK_KINDS;
  const imatrixKinds = exclude?.imatrix
    ? IMATRIX_KINDS.filter((k) => !exclude.imatrix!.includes(k))
    : IMATRIX_KINDS;
  const first = pick(rng, blockKinds);
  const blocks: BlockKind[] = [];
  for (let b = 0; b < nBlocks; b++) {
    const kind = uniform ? first : pick(rng, blockKinds);
    blocks.push(kind);
    fillBlock(kind, rng, x.subarray(b * blockElements, (b + 1) * blockElements));
  }
  const imatrixKind = pick(rng, imatrixKinds);
  if (imatrix) fillImatrix(imatrixKind, rng, imatrix);
  return { blocks, imatrix: imatrixKind };
}

/** Random bytes for the decode-of-random-bytes path (every bit pattern of every field is reachable). */
export function randomBytes(seed: bigint, out: Uint8Array): void {
  const rng = new SplitMix64(seed);
  for (let i = 0; i < out.length; i += 8) {
    const h = rng.nextHalves();
    for (let j = 0; j < 8 && i + j < out.length; j++)
      out[i + j] = (j < 4 ? h[0]! >>> (8 * j) : h[1]! >>> (8 * (j - 4))) & 0xff;
  }
}
