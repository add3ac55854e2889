/**
 * ggml's NVFP4 (ggml-common.h block_nvfp4, type id 40): 64 weights in four sub-blocks of 16, each with a
 * UE4M3 scale byte d[s], then 32 bytes of E2M1 codes (4.5 bits/weight, no per-tensor scale). NOT the
 * NVIDIA/torchao layout of `nvfp4_torchao` (16-element blocks, E4M3 scale, float32 tensor scale).
 * Sub-block s covers elements 16s..16s+15; its byte qs[8s + j] holds element 16s + j in the low nibble and
 * element 16s + 8 + j in the high nibble. Values: kvalues_mxfp4[code] (the E2M1 value doubled) times the
 * UE4M3 scale halved (ggml_ue4m3_to_fp32 returns value·0.5), so x = E2M1 · UE4M3.
 * ggml's UE4M3 is its own: encode rounds half up on the mantissa (bit 19 of the float32), clamps at 448
 * (0x7E) and sends subnormals through (int)(x·512 + 0.5); decode ignores bit 7 except that 0x7F (not
 * 0xFF) decodes as 0. Codes by best_index_mxfp4 (ties to the lower index: toward zero).
 * ggml: quantize_row_nvfp4_ref (= quantize_nvfp4, imatrix ignored), dequantize_row_nvfp4,
 * ggml_vec_dot_nvfp4_q8_0_generic.
 */
import { f32ToBits } from '@qbench/core';
import { TABLES } from '../generated/specs.ts';
import { x86Int } from './c-semantics.ts';
import { fround, readF16, readI8 } from './float32.ts';
import { bestIndex } from './mxfp4.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK = 64;
const QK_SUB = 16;
const N_SUB = QK / QK_SUB;
const BYTES = 36;
const QS = N_SUB; // the codes follow the four scale bytes
const Q8_0_BYTES = 34;
/** kvalues_mxfp4 (ggml's kvalues_fp4, shared with MXFP4): one source, the mxfp4 spec's table. */
const VALUES = TABLES.mxfp4.kvaluesMxfp4;

/** ggml_ue4m3_to_fp32: half the UE4M3 value (bias 7, 3 mantissa bits); bytes 0 and 0x7F give 0, bit 7 is ignored otherwise. */
export function ue4m3ToFp32Half(x: number): number {
  if (x === 0 || x === 0x7f) return 0;
  const exp = (x >> 3) & 0xf;
  const man = x & 7;
  // Every value here is exact in float32 (at most 4 significant bits times a power of two).
  const raw = exp === 0 ? man * 2 ** -9 : (1 + man / 8) * 2 ** (exp - 7);
  return raw * 0.5;
}

/** ggml_fp32_to_ue4m3: the scale byte for a float32 x (amax/6 in the quantizer). */
export function fp32ToUe4m3(xIn: number): number {
  if (!(xIn > 0)) return 0; // 0, negatives and NaN
  const x = xIn > 448 ? 448 : xIn;
  const bits = f32ToBits(x);
  const fp32Exp = ((bits >>> 23) & 0xff) - 127;
  const fp32Man = (bits >>> 20) & 7;
  let exp = fp32Exp + 7;
  if (exp <= 0) {
    // Subnormal: man = (int)(x·512 + 0.5) in float32, clamped to 1..7 (below 1 the byte is 0).
    let man = x86Int(fround(fround(x * 512) + 0.5));
    if (man > 7) man = 7;
    return man < 1 ? 0 : man;
  }
  if (exp >= 15) return 0x7e;
  // Round half up on the first dropped mantissa bit (not to even).
  let man = fp32Man + ((bits >>> 19) & 1);
  if (man > 7) {
    man = 0;
    exp++;
    if (exp >= 15) return 0x7e;
  }
  return (exp << 3) | man;
}

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  for (let s = 0; s < N_SUB; s++) {
    const xs = xo + s * QK_SUB;
    // amax with `if (amax < |v|)`: a NaN never replaces it.
    let amax = 0;
    for (let j = 0; j < QK_SUB; j++) {
      const v = Math.abs(x[xs + j]!);
      if (amax < v) amax = v;
    }
    const ue = fp32ToUe4m3(fround(amax / 6));
    q[qo + s] = ue;
    const d = ue4m3ToFp32Half(ue);
    for (let j = 0; j < QK_SUB / 2; j++) {
      q[qo + QS + s * (QK_SUB / 2) + j] =
        bestIndex(x[xs + j]!, d) | (bestIndex(x[xs + QK_SUB / 2 + j]!, d) << 4);
    }
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  for (let s = 0; s < N_SUB; s++) {
    const d = ue4m3ToFp32Half(q[qo + s]!);
    const ys = yo + s * QK_SUB;
    for (let j = 0; j < QK_SUB / 2; j++) {
      const byte = q[qo + QS + s * (QK_SUB / 2) + j]!;
      y[ys + j] = fround(VALUES[byte & 0xf]! * d);
      y[ys + QK_SUB / 2 + j] = fround(VALUES[byte >> 4]! * d);
    }
  }
}

/**
 * ggml_vec_dot_nvfp4_q8_0_generic: a block spans two q8_0 blocks, each sub-block half of one. Per
 * sub-block an integer dot, then sumf += (d_y·d)·sumi in float32.
 */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let ib = 0; ib < n / QK; ib++) {
    const xo = ib * BYTES;
    for (let s = 0; s < N_SUB; s++) {
      const d = ue4m3ToFp32Half(x[xo + s]!);
      const yo = (2 * ib + (s >> 1)) * Q8_0_BYTES;
      const off = (s & 1) * QK_SUB;
      const dy = readF16(y, yo);
      let sumi = 0;
      for (let j = 0; j < QK_SUB / 2; j++) {
        const byte = x[xo + QS + s * (QK_SUB / 2) + j]!;
        sumi += readI8(y, yo + 2 + off + j) * VALUES[byte & 0xf]!;
        sumi += readI8(y, yo + 2 + off + QK_SUB / 2 + j) * VALUES[byte >> 4]!;
      }
      sumf = fround(sumf + fround(fround(dy * d) * sumi));
    }
  }
  return sumf;
}

export const nvfp4: GgmlTypeImpl = {
  name: 'nvfp4',
  blockElements: QK,
  blockBytes: BYTES,
  vecDotType: 'q8_0',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK; b++) quantizeBlock(x, b * QK, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK; b++) dequantizeBlock(q, b * BYTES, y, b * QK);
  },
  vecDot,
};
