/**
 * Double quantization of the 4-bit absmax vector (quantize_4bit with compress_statistics=True):
 *   offset = absmax.mean()                        torch CPU float32 mean
 *   q8, absmax2 = quantize_blockwise(absmax − offset, code = dynamic map, blocksize = 256)
 *   absmax′ = dequantize_blockwise(q8, absmax2) + offset       two float32 operations
 * The 4-bit codes are computed from the exact absmax before any of this; only decoding uses absmax′.
 */
import { dequantizeBlockwise8bit, quantizeBlockwise8bit } from './dynamic-map.ts';
import { torchMeanF32 } from './torch-mean.ts';

export interface NestedAbsmax {
  /** Dynamic-map index of each block's (absmax − offset)/absmax2. */
  readonly q8: Uint8Array;
  /** float32 absmax of (absmax − offset) per group of `nestedBlocksize` blocks. */
  readonly absmax2: Float32Array;
  /** float32 mean of the absmax vector. */
  readonly offset: number;
}

export function compressStatistics(
  absmax: Float32Array,
  dynamicMap: Float32Array,
  nestedBlocksize: number,
): NestedAbsmax {
  if (absmax.length === 0) return { q8: new Uint8Array(0), absmax2: new Float32Array(0), offset: 0 };
  const offset = torchMeanF32(absmax);
  const centred = new Float32Array(absmax.length);
  for (let i = 0; i < absmax.length; i++) centred[i] = Math.fround(absmax[i]! - offset);
  const { q8, absmax: absmax2 } = quantizeBlockwise8bit(centred, dynamicMap, nestedBlocksize);
  return { q8, absmax2, offset };
}

/** absmax′[b] = dynamicMap[q8[b]] · absmax2[b / nestedBlocksize] + offset, rounded after each operation. */
export function decompressStatistics(
  nested: NestedAbsmax,
  dynamicMap: Float32Array,
  nestedBlocksize: number,
): Float32Array {
  const out = dequantizeBlockwise8bit(nested.q8, nested.absmax2, dynamicMap, nestedBlocksize);
  const offset = Math.fround(nested.offset);
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(out[i]! + offset);
  return out;
}
