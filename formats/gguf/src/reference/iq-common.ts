/**
 * Pieces the i-quant reference codecs share: block_q8_K offsets for the vec_dots, the signed grid
 * coordinate that ggml's decoders compute as `grid[j] · (signs & kmask[j] ? −1 : 1)`, and the super-block
 * loop shape of their dequantizers.
 */
import { QbenchError } from '@qbench/core';
import { KMASK_IQ2XS } from './iq-grids.ts';

export const QK_K = 256;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
export const Q8K_BYTES = 292;
export const Q8K_QS = 4;

/** ±grid value: coordinate j is negative where bit j of the sign byte is set (kmask_iq2xs[j] = 1 << j). */
export function signed(value: number, signs: number, j: number): number {
  return signs & KMASK_IQ2XS[j]! ? -value : value;
}

/** Little-endian uint32 at `o` (ggml's memcpy into a uint32_t on a little-endian host). */
export function readU32(q: Uint8Array, o: number): number {
  return (q[o]! | (q[o + 1]! << 8) | (q[o + 2]! << 16) | (q[o + 3]! << 24)) >>> 0;
}

export function readU16(q: Uint8Array, o: number): number {
  return q[o]! | (q[o + 1]! << 8);
}

/**
 * Where ggml's quantizer aborts the process (GGML_ABORT "found point not on grid", a failed GGML_ASSERT),
 * the port throws this named error instead, so the input that crashes ggml is reported, not mis-encoded.
 */
export function ggmlAbort(format: string, what: string): never {
  throw new QbenchError('codec.ggml-abort', `${format}: ggml's quantizer aborts on this input (${what})`, {
    format,
  });
}
