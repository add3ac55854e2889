/**
 * bitsandbytes 4-bit blockwise quantization, the deterministic reference: the per-block arithmetic of
 * kQuantizeBlockwiseSmall / kQuantizeBlockwise + dQuantizeNF4 / dQuantizeFP4 and of kDequantizeBlockwise,
 * in IEEE float32 (Math.fround after every operation, as the host-compiled golden generator does).
 *
 * Output is bnb's own planar form: `codes` (two per byte, element 2i in the HIGH nibble) and `absmax`
 * (one float32 per block). The qbench storage layout (codec.ts) interleaves the two.
 */
import { QbenchError } from '@qbench/core';
import type { FourBitCode } from '../params.ts';

const FLT_MAX = 3.4028234663852886e38;

/**
 * NF4 code of a scaled value: the number of thresholds it is strictly above. dQuantizeNF4's if-tree
 * compares with `>` against ascending thresholds, so counting is the same function; ties and NaN go low.
 */
export function quantizeScaledNf4(scaled: number, thresholds: Float32Array): number {
  let code = 0;
  for (let t = 0; t < thresholds.length; t++) if (scaled > thresholds[t]!) code++;
  return code;
}

/**
 * FP4 code of a scaled value: sign 8 iff scaled < 0 (so −0.0 and NaN are positive), then the rank of
 * |scaled| among the ascending thresholds mapped to bnb's non-monotone 3-bit code.
 */
export function quantizeScaledFp4(scaled: number, thresholds: Float32Array, codeByRank: Uint8Array): number {
  const sign = scaled < 0 ? 8 : 0;
  const a = Math.abs(scaled);
  let rank = 0;
  for (let t = 0; t < thresholds.length; t++) if (a > thresholds[t]!) rank++;
  return sign | codeByRank[rank]!;
}

/** The scalar quantizer of a 4-bit code: scaled value (float32) → code 0..15. */
export function scalarQuantizer(code: FourBitCode): (scaled: number) => number {
  if (code.quantType === 'nf4') {
    const { thresholds } = code;
    return (s) => quantizeScaledNf4(s, thresholds);
  }
  const { thresholds, codeByRank } = code;
  if (!codeByRank) throw new QbenchError('format.table', 'bnb fp4: the code has no codeByRank table');
  return (s) => quantizeScaledFp4(s, thresholds, codeByRank);
}

/**
 * Block absmax as the CUDA kernels compute it: start at −FLT_MAX, fmaxf with |x| (fmaxf ignores NaN),
 * and the zero-filled pad loads of a partial block take part. A block of only NaN thus has −FLT_MAX.
 */
export function blockAbsmax(x: Float32Array, start: number, end: number, partial: boolean): number {
  let m = -FLT_MAX;
  for (let i = start; i < end; i++) {
    const a = Math.abs(x[i]!);
    if (a > m) m = a;
  }
  if (partial && 0 > m) m = 0;
  return m;
}

export interface Quantized4bit {
  /** Packed codes, element 2i in the high nibble: ceil(n/2) bytes, or whole blocks with `padToBlock`. */
  readonly codes: Uint8Array;
  /** One float32 absmax per block (ceil(n/blocksize)). */
  readonly absmax: Float32Array;
}

export interface Quantize4bitOptions {
  /**
   * Fill a partial last block to a whole block, quantizing the pad positions as 0.0 inputs (what bnb
   * does for the one pad nibble of an odd length). Default false: exactly bnb's ceil(n/2) bytes.
   */
  padToBlock?: boolean;
}

/** quantize_4bit (CUDA semantics) of a flat float32 tensor. */
export function quantize4bit(
  x: Float32Array,
  code: FourBitCode,
  blocksize: number,
  options: Quantize4bitOptions = {},
): Quantized4bit {
  const n = x.length;
  const blocks = Math.ceil(n / blocksize);
  const absmax = new Float32Array(blocks);
  const elements = options.padToBlock ? blocks * blocksize : n;
  const codes = new Uint8Array(Math.ceil(elements / 2));
  const q = scalarQuantizer(code);
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    const amax = blockAbsmax(x, start, end, end - start < blocksize);
    absmax[b] = amax;
    // Two roundings, as the kernel does: the reciprocal, then the product (not x / absmax).
    const inv = Math.fround(1 / amax);
    const stop = Math.min(elements, start + blocksize);
    for (let i = start; i < stop; i++) {
      const v = i < n ? x[i]! : 0;
      const c = q(Math.fround(v * inv));
      const j = i >> 1;
      codes[j] = codes[j]! | (i & 1 ? c : c << 4);
    }
  }
  // An odd length leaves one low nibble inside the last block: bnb quantizes a 0.0 pad there.
  if (!options.padToBlock && n % 2 === 1) {
    const inv = Math.fround(1 / absmax[blocks - 1]!);
    const j = codes.length - 1;
    codes[j] = codes[j]! | q(Math.fround(0 * inv));
  }
  return { codes, absmax };
}

/** dequantize_4bit: out[i] = lut[code_i] · absmax[i / blocksize], one float32 multiply. */
export function dequantize4bit(
  codes: Uint8Array,
  absmax: Float32Array,
  n: number,
  lut: Float32Array,
  blocksize: number,
  out: Float32Array = new Float32Array(n),
): Float32Array {
  for (let i = 0; i < n; i++) {
    const byte = codes[i >> 1]!;
    const c = i & 1 ? byte & 0x0f : byte >> 4;
    out[i] = Math.fround(lut[c]! * absmax[Math.floor(i / blocksize)]!);
  }
  return out;
}
