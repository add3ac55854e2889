/**
 * The 8-bit "dynamic" code bitsandbytes uses for double quantization of the 4-bit absmax values, and
 * its blockwise quantizer (kQuantizeBlockwise<General8bit> + dQuantize<0>, non-stochastic) and
 * dequantizer (kDequantizeBlockwise<General8bit>). IEEE float32 throughout.
 *
 * The table itself reaches the codec through the spec (nf4_dq.json → TABLES); `createDynamicMap` derives
 * it from create_dynamic_map's definition so a test can show the two agree.
 */
import { blockAbsmax } from './quantize-4bit.ts';

/**
 * torch.linspace(start, end, steps, dtype=float32) on CPU: step = (end − start)/(steps − 1) in float32,
 * the first half counted up from start and the second half down from end. Each element is
 * start + step·k rounded ONCE: torch's CPU kernels are compiled with contraction into fused
 * multiply-add, and only that reproduces bitsandbytes' table as torch 2.13 computes it (rounding the
 * product separately changes 42 of the 256 entries).
 */
export function linspaceF32(start: number, end: number, steps: number): Float32Array {
  const s = Math.fround(start);
  const e = Math.fround(end);
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = s;
    return out;
  }
  const step = Math.fround(Math.fround(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  for (let k = 0; k < steps; k++) {
    // step·k is exact in double (24-bit × small integer) and so is the sum, so fround rounds once (= FMA).
    out[k] = k < halfway ? Math.fround(s + step * k) : Math.fround(e - step * (steps - k - 1));
  }
  return out;
}

/**
 * create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8): for i = 0..6 the float32 means of
 * consecutive points of linspace(0.1, 1, 2^i + 1), scaled by float32(10^(i−6)), both signs; then 0 and
 * 1.0; sorted. 127 negative values, 0, 127 positive values and +1.0 (there is no −1.0).
 */
export function createDynamicMap(): Float32Array {
  const maxExponentBits = 7;
  const data: number[] = [];
  for (let i = 0; i < maxExponentBits; i++) {
    const b = linspaceF32(0.1, 1, 2 ** i + 1);
    // A Python float times a float32 tensor: torch rounds the scalar to float32 first.
    const scale = Math.fround(10 ** (i - (maxExponentBits - 1)));
    const means: number[] = [];
    for (let k = 0; k + 1 < b.length; k++) means.push(Math.fround(Math.fround(b[k]! + b[k + 1]!) / 2));
    for (const m of means) data.push(Math.fround(scale * m));
    for (const m of means) data.push(Math.fround(-scale * m));
  }
  data.push(0, 1);
  return Float32Array.from(data.sort((a, b) => a - b));
}

/**
 * dQuantize<0>: binary search over the sorted 256-entry code from pivot 127 (steps 64, 32, …, 1),
 * then round to the nearer neighbour using float32 midpoints computed at run time. A value exactly
 * on a midpoint stays at the probed pivot; NaN walks down to index 0.
 */
export function quantizeDynamic(code: Float32Array, x: number): number {
  let pivot = 127;
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = -1;
  let upper = 1;
  let val = code[pivot]!;
  for (let i = 64; i > 0; i >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += i;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= i;
    }
    val = code[pivot]!;
  }
  if (upperPivot === 255) upper = code[upperPivot]!;
  if (lowerPivot === 0) lower = code[lowerPivot]!;
  if (x > val) {
    const midpoint = Math.fround(Math.fround(upper + val) * 0.5);
    return x > midpoint ? upperPivot : pivot;
  }
  const midpoint = Math.fround(Math.fround(lower + val) * 0.5);
  return x < midpoint ? lowerPivot : pivot;
}

export interface Quantized8bit {
  /** One dynamic-map index per element. */
  readonly q8: Uint8Array;
  /** One float32 absmax per block of `blocksize` elements. */
  readonly absmax: Float32Array;
}

/** quantize_blockwise (CUDA, non-stochastic): absmax per block, x·(1/absmax), dQuantize<0>. */
export function quantizeBlockwise8bit(x: Float32Array, code: Float32Array, blocksize: number): Quantized8bit {
  const n = x.length;
  const blocks = Math.ceil(n / blocksize);
  const q8 = new Uint8Array(n);
  const absmax = new Float32Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    const amax = blockAbsmax(x, start, end, end - start < blocksize);
    absmax[b] = amax;
    const inv = Math.fround(1 / amax);
    for (let i = start; i < end; i++) q8[i] = quantizeDynamic(code, Math.fround(x[i]! * inv));
  }
  return { q8, absmax };
}

/** dequantize_blockwise: code[q8[i]] · absmax[i / blocksize], one float32 multiply. */
export function dequantizeBlockwise8bit(
  q8: Uint8Array,
  absmax: Float32Array,
  code: Float32Array,
  blocksize: number,
): Float32Array {
  const out = new Float32Array(q8.length);
  for (let i = 0; i < q8.length; i++)
    out[i] = Math.fround(code[q8[i]!]! * absmax[Math.floor(i / blocksize)]!);
  return out;
}
