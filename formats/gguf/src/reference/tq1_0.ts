/**
 * TQ1_0 (ggml-common.h block_tq1_0, BitNet b1.58 / TriLM ternary): 256 weights in {−1, 0, 1}·d; 1.6875 bits/weight.
 * Layout (54 bytes): qs[48] five trits per byte, qh[4] four trits per byte, d fp16 = max|x|.
 * A byte holding trits t0..t4 (t ∈ {0,1,2} for −1,0,1; t0 most significant) stores ⌈(Σ t_k·3^(4−k))·256/243⌉,
 * a fixed-point base-3 fraction: trit k is recovered as ⌊((byte·3^k) mod 256)·3 / 256⌋.
 * Element order: qs[0..31] hold elements m + 32k (k = 0..4, 160 elements), qs[32..47] hold 160 + m + 16k
 * (80 elements), qh[0..3] hold 240 + j + 4k (k = 0..3, the fifth trit is 0).
 */
import { fround, readF16, readF32, readI8, writeF16 } from './float32.ts';
import { absMax, inverseScale, tritCode } from './ternary.ts';
import type { GgmlTypeImpl } from './types.ts';

const QK_K = 256;
const BYTES = 54;
const OFF_QH = 48;
const OFF_D = 52;
/** block_q8_K: f32 d, int8 qs[256], int16 bsums[16]. */
const Q8K_BYTES = 292;
const Q8K_QS = 4;
const POW3 = [1, 3, 9, 27, 81, 243] as const;

/**
 * The three packing groups: [first byte, bytes, first element, trits per byte]. Byte `first + m` of a group
 * holds elements firstElement + m + k·bytes for k = 0..trits−1 (k = 0 is the most significant trit).
 */
const GROUPS = [
  [0, 32, 0, 5],
  [32, 16, 160, 5],
  [OFF_QH, 4, 240, 4],
] as const;

/** Where element e (0..255) lives: byte index within the block and its trit position k. */
function location(e: number): [byte: number, k: number] {
  const [firstByte, bytes, firstElement] = e < 160 ? GROUPS[0] : e < 240 ? GROUPS[1] : GROUPS[2];
  const r = e - firstElement;
  return [firstByte + (r % bytes), Math.floor(r / bytes)];
}

/** Trit k of a packed byte, as 0/1/2: (uint8)(byte·3^k), times 3, top byte. */
function readTrit(byte: number, k: number): number {
  const q = (byte * POW3[k]!) & 0xff;
  return (q * 3) >>> 8;
}

function quantizeBlock(x: Float32Array, xo: number, q: Uint8Array, qo: number): void {
  const d = absMax(x, xo, QK_K);
  const id = inverseScale(d);
  writeF16(q, qo + OFF_D, d);
  for (const [firstByte, bytes, firstElement, trits] of GROUPS) {
    for (let m = 0; m < bytes; m++) {
      // Base-3 number of the byte's trits, most significant first, padded to 5 trits (uint8 arithmetic).
      let v = 0;
      for (let k = 0; k < trits; k++)
        v = (v * 3 + tritCode(x[xo + firstElement + m + k * bytes]!, id)) & 0xff;
      for (let k = trits; k < 5; k++) v = (v * 3) & 0xff;
      // Ceiling division v·256/243 turns it into a fixed-point fraction of 3^5.
      q[qo + firstByte + m] = Math.floor((v * 256 + 242) / 243) & 0xff;
    }
  }
}

function dequantizeBlock(q: Uint8Array, qo: number, y: Float32Array, yo: number): void {
  const d = readF16(q, qo + OFF_D);
  for (let e = 0; e < QK_K; e++) {
    const [byte, k] = location(e);
    y[yo + e] = fround((readTrit(q[qo + byte]!, k) - 1) * d);
  }
}

/** ggml_vec_dot_tq1_0_q8_K_generic: an integer sum per block, then sumf += (float)sum · (d_x·d_y). */
function vecDot(x: Uint8Array, y: Uint8Array, n: number): number {
  let sumf = 0;
  for (let b = 0; b < n / QK_K; b++) {
    const xo = b * BYTES;
    const yo = b * Q8K_BYTES;
    let sum = 0;
    for (let e = 0; e < QK_K; e++) {
      const [byte, k] = location(e);
      sum += (readTrit(x[xo + byte]!, k) - 1) * readI8(y, yo + Q8K_QS + e);
    }
    sumf = fround(sumf + fround(fround(sum) * fround(readF16(x, xo + OFF_D) * readF32(y, yo))));
  }
  return sumf;
}

export const tq1_0: GgmlTypeImpl = {
  name: 'tq1_0',
  blockElements: QK_K,
  blockBytes: BYTES,
  vecDotType: 'q8_k',
  quantizeRow(x, q) {
    for (let b = 0; b < x.length / QK_K; b++) quantizeBlock(x, b * QK_K, q, b * BYTES);
  },
  dequantizeRow(q, y) {
    for (let b = 0; b < y.length / QK_K; b++) dequantizeBlock(q, b * BYTES, y, b * QK_K);
  },
  vecDot,
};
