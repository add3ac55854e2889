/**
 * One block-floating-point block (MSFP / Vitis-AI BFP): a shared 8-bit exponent and per element a sign and
 * an m-bit magnitude with an explicit leading bit (no implicit 1).
 *   e     = max over the block of floor(log2|x_i|) (from the float32 exponent bits), clamped to [−127, 127];
 *           an all-zero block has e = −127
 *   scale = 2^(e − m + 1), so the largest element lands in [2^(m−1), 2^m)
 *   k_i   = min(round(|x_i| / scale), 2^m − 1)        round per spec: ties to even / away / truncation
 *   x̂_i   = (−1)^s_i · k_i · scale
 * Stored: exponent byte e + 127 (0..254; 255 marks a NaN block), then the codes s·2^m | k packed LSB first.
 * Worked example, m = 3 (MSFP12), block [1.5, −0.3, 0.06, 0 …]: max exponent 0 → scale 2^−2 = 0.25;
 *   1.5/0.25 = 6 → k 6; −0.3/0.25 = 1.2 → k 1, sign 1; 0.06/0.25 = 0.24 → 0. Codes 0b0110, 0b1001, 0b0000;
 *   exponent byte 127; decoded [1.5, −0.25, 0, 0].
 * This matches Vitis AI / Quark `to_bfp` (shared = max biased exponent field; a subnormal's field 0 reads as
 * −127, exactly what floor(log2) clamped at −127 gives).
 */
import { BitReader, BitWriter, floorLog2F32, QbenchError } from '@qbench/core';

export const BFP_ROUNDINGS = ['nearest-even', 'nearest-away', 'toward-zero'] as const;
export type BfpRounding = (typeof BFP_ROUNDINGS)[number];

export const NAN_EXPONENT = 0xff;
const EXP_BIAS = 127;

export interface BfpParams {
  blockSize: number;
  /** Magnitude bits per element (the sign is one more bit). */
  mbits: number;
  rounding: BfpRounding;
}

export function checkBfpParams(p: Partial<BfpParams>, id: string): BfpParams {
  const bad = (what: string, expected: string, got: unknown): never => {
    throw new QbenchError('bfp.params', `${id}: ${what} must be ${expected}, got ${String(got)}`, {
      expected,
      got,
    });
  };
  if (!Number.isInteger(p.blockSize) || p.blockSize! < 1 || p.blockSize! > 4096)
    bad('blockSize', 'an integer in 1..4096', p.blockSize);
  if (!Number.isInteger(p.mbits) || p.mbits! < 1 || p.mbits! > 7) bad('mbits', 'an integer in 1..7', p.mbits);
  if (!BFP_ROUNDINGS.includes(p.rounding as BfpRounding))
    bad('rounding', BFP_ROUNDINGS.join(' | '), p.rounding);
  if ((p.blockSize! * (p.mbits! + 1)) % 8 !== 0)
    bad('blockSize · (mbits + 1)', 'a multiple of 8 bits', p.blockSize! * (p.mbits! + 1));
  return p as BfpParams;
}

export function blockBytes(p: BfpParams): number {
  return 1 + (p.blockSize * (p.mbits + 1)) / 8;
}

function roundMagnitude(v: number, mode: BfpRounding): number {
  const fl = Math.floor(v);
  const frac = v - fl;
  if (mode === 'toward-zero' || frac < 0.5) return fl;
  if (frac > 0.5) return fl + 1;
  return mode === 'nearest-away' || fl % 2 === 1 ? fl + 1 : fl;
}

/** Encode `v` (blockSize values) at out[offset]. A non-finite value makes the whole block NaN (exponent 0xFF, codes 0). */
export function encodeBfpBlock(p: BfpParams, v: ArrayLike<number>, out: Uint8Array, offset: number): void {
  let e = -EXP_BIAS;
  let finite = true;
  for (let i = 0; i < p.blockSize; i++) {
    const a = Math.abs(v[i]!);
    if (!Number.isFinite(a)) finite = false;
    else if (a !== 0) e = Math.max(e, floorLog2F32(a));
  }
  const w = new BitWriter(out.subarray(offset + 1, offset + blockBytes(p)));
  if (!finite) {
    out[offset] = NAN_EXPONENT;
    for (let i = 0; i < p.blockSize; i++) w.write(0, p.mbits + 1);
    return;
  }
  out[offset] = e + EXP_BIAS;
  const inv = 2 ** (p.mbits - 1 - e); // 1/scale, a power of two: |x|·inv is exact in float64
  const kmax = 2 ** p.mbits - 1;
  for (let i = 0; i < p.blockSize; i++) {
    const x = v[i]!;
    const k = Math.min(kmax, roundMagnitude(Math.abs(x) * inv, p.rounding));
    const negative = x < 0 || Object.is(x, -0);
    w.write((negative ? 1 << p.mbits : 0) | k, p.mbits + 1);
  }
}

/** Decode one block from q[offset] into y[yOffset…]. */
export function decodeBfpBlock(
  p: BfpParams,
  q: Uint8Array,
  offset: number,
  y: Float32Array,
  yOffset: number,
): void {
  const eByte = q[offset]!;
  if (eByte === NAN_EXPONENT) {
    y.fill(Number.NaN, yOffset, yOffset + p.blockSize);
    return;
  }
  const scale = 2 ** (eByte - EXP_BIAS - p.mbits + 1);
  const r = new BitReader(q.subarray(offset + 1, offset + blockBytes(p)));
  for (let i = 0; i < p.blockSize; i++) {
    const c = r.read(p.mbits + 1);
    const k = c & ((1 << p.mbits) - 1);
    // Exact: k < 2^7 and scale ≥ 2^−133, inside float32's subnormal range.
    y[yOffset + i] = Math.fround(c >> p.mbits ? -k * scale : k * scale);
  }
}
