/**
 * ONE generic ExMy element codec (after microxcaling's mx/formats.py + elemwise_ops.py: every format is a
 * handful of parameters, one quantizer). Every minifloat, the MX element types and the E4M3/E8M0 scales
 * are instances of it.
 *
 * Code layout (signed formats): [sign | exponent field (ebits) | mantissa field (mbits)].
 *   field f ≠ 0 (or any f when subnormals = false): value = 2^(f − bias) · (1 + m / 2^mbits)
 *   field f = 0 with subnormals:                    value = 2^(1 − bias) · (m / 2^mbits)
 * Worked example, E4M3FN (bias 7): 0x7E = 0.1111.110 → 2^(15−7) · (1 + 6/8) = 448 (its max); 0x01 =
 * 0.0000.001 → 2^(1−7) · 1/8 = 2^−9 (min subnormal); 0x7F = 0.1111.111 is NaN.
 *
 * Encoding is exact: a float32 input has ≤ 24 significant bits and every quantum here is a power of
 * two, so |x| / quantum is computed exactly in float64 and rounding is a comparison of its fraction.
 */
import { f32ToBits, floorLog2F32, QbenchError } from '@qbench/core';

/** Which codes are NaN. */
export const NAN_ENCODINGS = ['none', 'all-ones', 'ieee', 'negative-zero'] as const;
export type NanEncoding = (typeof NAN_ENCODINGS)[number];
export const OVERFLOW_MODES = ['saturate', 'infinity', 'nan'] as const;
export type OverflowMode = (typeof OVERFLOW_MODES)[number];
export const ROUNDING_MODES = ['nearest-even', 'nearest-away', 'toward-zero', 'away-from-zero'] as const;
export type RoundingMode = (typeof ROUNDING_MODES)[number];

/** The spec `params` of one element format (see formats/minifloat/specs/*.json). */
export interface MinifloatParams {
  ebits: number;
  mbits: number;
  bias: number;
  /** false only for E8M0 (no sign bit; zero and negative inputs clamp to the smallest code). */
  signed: boolean;
  /** false only for E8M0, whose field 0 is the normal value 2^−bias. */
  subnormals: boolean;
  /**
   * 'none': every code is a number (FP6/FP4); 'all-ones': the all-ones magnitude S.1…1 is NaN (E4M3FN,
   * E8M0); 'ieee': the top exponent field with mantissa ≠ 0 is NaN (E5M2); 'negative-zero': the −0 code
   * 1.0…0 is the only NaN (the FNUZ types), so there is no −0.
   */
  nan: NanEncoding;
  /** The top exponent field with mantissa 0 is ±Inf (only with nan = 'ieee'). */
  infinity: boolean;
  /** What a finite value beyond the largest finite code becomes (and what ±Inf inputs become). */
  overflow: OverflowMode;
  rounding: RoundingMode;
}

function fail(what: string, expected: string, got: unknown): never {
  throw new QbenchError(
    'minifloat.params',
    `minifloat params: ${what} must be ${expected}, got ${String(got)}`,
    {
      expected,
      got,
    },
  );
}

/** Validates params (from a spec or a dynamic id); throws a QbenchError naming the bad field. */
export function checkParams(p: Partial<MinifloatParams>): MinifloatParams {
  const intIn = (v: unknown, lo: number, hi: number, name: string) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi)
      fail(name, `an integer in ${lo}..${hi}`, v);
    return v;
  };
  const ebits = intIn(p.ebits, 1, 8, 'ebits');
  const mbits = intIn(p.mbits, 0, 15, 'mbits');
  intIn(p.bias, -(2 ** 8), 2 ** 8, 'bias');
  if (typeof p.signed !== 'boolean') fail('signed', 'a boolean', p.signed);
  if (typeof p.subnormals !== 'boolean') fail('subnormals', 'a boolean', p.subnormals);
  if (!NAN_ENCODINGS.includes(p.nan as NanEncoding)) fail('nan', NAN_ENCODINGS.join(' | '), p.nan);
  if (typeof p.infinity !== 'boolean') fail('infinity', 'a boolean', p.infinity);
  if (p.infinity && p.nan !== 'ieee') fail('infinity', "false unless nan is 'ieee'", p.infinity);
  if (!OVERFLOW_MODES.includes(p.overflow as OverflowMode))
    fail('overflow', OVERFLOW_MODES.join(' | '), p.overflow);
  if (!ROUNDING_MODES.includes(p.rounding as RoundingMode))
    fail('rounding', ROUNDING_MODES.join(' | '), p.rounding);
  if (p.nan === 'negative-zero' && !p.signed)
    fail('nan', "not 'negative-zero' for an unsigned format", p.nan);
  const bits = ebits + mbits + (p.signed ? 1 : 0);
  if (bits > 16) fail('ebits + mbits + sign', 'at most 16 bits', bits);
  return p as MinifloatParams;
}

/** Derived numbers and the codec of one element format. */
export class ElementFormat {
  readonly params: MinifloatParams;
  /** Code width in bits. */
  readonly bits: number;
  readonly signBit: number;
  /** Largest magnitude code that is a finite number. */
  readonly maxMagnitudeCode: number;
  readonly maxValue: number;
  /** Smallest positive value (a subnormal when they exist). */
  readonly minPositive: number;
  /** Unbiased exponent of the largest binade (OCP's emax_elem; E2M1 → 2, E4M3 → 8). */
  readonly emax: number;
  /** Exponent of the smallest binade's quantum scale (1 − bias, or −bias without subnormals). */
  readonly emin: number;
  /** The code NaN inputs become (undefined when the format has no NaN). */
  readonly nanCode: number | undefined;
  readonly infCode: number | undefined;
  /** decode table: all 2^bits codes as float32. */
  readonly table: Float32Array;

  constructor(params: Partial<MinifloatParams>) {
    const p = checkParams(params);
    this.params = p;
    this.bits = p.ebits + p.mbits + (p.signed ? 1 : 0);
    this.signBit = p.signed ? 1 << (p.ebits + p.mbits) : 0;
    const magMask = (1 << (p.ebits + p.mbits)) - 1;
    const topField = (1 << p.ebits) - 1;
    // The largest finite magnitude code: everything below the first special code.
    if (p.nan === 'ieee') this.maxMagnitudeCode = (topField << p.mbits) - 1;
    else if (p.nan === 'all-ones') this.maxMagnitudeCode = magMask - 1;
    else this.maxMagnitudeCode = magMask;
    if (this.maxMagnitudeCode < 1) fail('ebits/mbits/nan', 'a combination leaving a finite non-zero code', p);
    this.emin = p.subnormals ? 1 - p.bias : -p.bias;
    this.nanCode = p.nan === 'none' ? undefined : p.nan === 'negative-zero' ? this.signBit : magMask;
    this.infCode = p.infinity ? topField << p.mbits : undefined;
    this.table = new Float32Array(1 << this.bits);
    // NaNs are written as bits (quiet NaN 0x7FC00000 with the code's sign) so their sign is deterministic.
    const tableBits = new Uint32Array(this.table.buffer);
    for (let c = 0; c < this.table.length; c++) {
      const v = this.decodeSlow(c);
      if (Number.isNaN(v)) tableBits[c] = (0x7fc00000 | ((c & this.signBit) !== 0 ? 0x80000000 : 0)) >>> 0;
      else this.table[c] = v;
    }
    this.maxValue = this.table[this.maxMagnitudeCode]!;
    // Code 1 is the smallest subnormal (or 2^(1−bias) when mbits = 0); without subnormals code 0 is 2^−bias.
    this.minPositive = this.table[p.subnormals ? 1 : 0]!;
    this.emax = (this.maxMagnitudeCode >>> p.mbits) - p.bias;
    if (!Number.isFinite(this.maxValue) || this.maxValue > 3.4028234663852886e38) {
      fail('ebits/bias', 'a range inside float32', `max ${this.maxValue}`);
    }
  }

  /** Value of a code from the field formula (builds the table; decode() reads the table). */
  private decodeSlow(code: number): number {
    const p = this.params;
    const negative = (code & this.signBit) !== 0;
    const mag = code & ~this.signBit;
    const magMask = (1 << (p.ebits + p.mbits)) - 1;
    if (p.nan === 'negative-zero' && code === this.signBit) return Number.NaN;
    if (p.nan === 'all-ones' && mag === magMask) return Number.NaN;
    if (p.nan === 'ieee' && mag >>> p.mbits === (1 << p.ebits) - 1) {
      if ((mag & ((1 << p.mbits) - 1)) === 0 && p.infinity) return negative ? -Infinity : Infinity;
      return Number.NaN;
    }
    const field = mag >>> p.mbits;
    const mant = mag & ((1 << p.mbits) - 1);
    const v =
      field === 0 && p.subnormals
        ? 2 ** (1 - p.bias) * (mant / 2 ** p.mbits)
        : 2 ** (field - p.bias) * (1 + mant / 2 ** p.mbits);
    return Math.fround(negative ? -v : v);
  }

  decode(code: number): number {
    return this.table[code]!;
  }

  isNanCode(code: number): boolean {
    return Number.isNaN(this.table[code]!);
  }

  /**
   * Quantize one float32 value (a JS number holding a float32) to a code.
   * `overflow` overrides the spec's mode (e.g. ONNX Cast saturate=0 for a saturating spec).
   */
  encode(
    x: number,
    overflow: OverflowMode = this.params.overflow,
    rounding: RoundingMode = this.params.rounding,
  ): number {
    const p = this.params;
    if (Number.isNaN(x)) return this.nanCode ?? this.maxMagnitudeCode; // no NaN code: ONNX float4.md, NaN → +max
    const negative = (f32ToBits(x) & 0x80000000) !== 0;
    if (!p.signed && (negative || x === 0)) {
      // E8M0: no zero and no sign. Saturating casts give the smallest code (ONNX Cast-24 saturate=1).
      return overflow === 'saturate' ? 0 : (this.nanCode ?? 0);
    }
    const sign = negative ? this.signBit : 0;
    const a = Math.abs(x);
    if (a === Infinity) return this.overflowCode(sign, overflow);
    if (a === 0) return p.nan === 'negative-zero' ? 0 : sign;
    // Exponent of the value's binade, not below the smallest binade (the subnormal range shares its quantum).
    const e = Math.max(floorLog2F32(a), this.emin);
    const quantum = 2 ** (e - p.mbits);
    const scaled = a / quantum; // exact: a power-of-two division of a 24-bit significand in float64
    const k = roundInteger(scaled, rounding);
    if (k === 0) {
      if (!p.signed) return 0; // E8M0 underflow: clamp to 2^−bias
      return p.nan === 'negative-zero' ? 0 : sign;
    }
    // k in [2^mbits, 2^(mbits+1)] for normals (the top end carries into the next binade), below for subnormals.
    let mag: number;
    if (k >= 2 ** p.mbits || !p.subnormals) {
      const carry = k === 2 ** (p.mbits + 1) ? 1 : 0;
      const field = e + p.bias + carry;
      const mant = carry ? 0 : k - 2 ** p.mbits;
      if (field < 0) return p.signed ? sign : 0; // only reachable without subnormals (unsigned: handled above)
      mag = field * 2 ** p.mbits + mant;
    } else {
      mag = k; // subnormal: field 0, mantissa k
    }
    if (mag > this.maxMagnitudeCode) return this.overflowCode(sign, overflow);
    return sign | mag;
  }

  private overflowCode(sign: number, overflow: OverflowMode): number {
    if (
      overflow === 'saturate' ||
      (overflow === 'infinity' && this.infCode === undefined && this.nanCode === undefined)
    ) {
      return sign | this.maxMagnitudeCode;
    }
    if (overflow === 'infinity' && this.infCode !== undefined) return sign | this.infCode;
    // 'nan' (or 'infinity' without an Inf code): the format's NaN; FNUZ's NaN has no sign.
    if (this.nanCode === undefined) return sign | this.maxMagnitudeCode;
    return this.params.nan === 'negative-zero' ? this.nanCode : sign | this.nanCode;
  }
}

/** Round a non-negative float64 to an integer by `mode`. Ties are exact: the fraction is computed exactly. */
export function roundInteger(v: number, mode: RoundingMode): number {
  const fl = Math.floor(v);
  const frac = v - fl;
  if (frac === 0) return fl;
  switch (mode) {
    case 'toward-zero':
      return fl;
    case 'away-from-zero':
      return fl + 1;
    case 'nearest-away':
      return frac >= 0.5 ? fl + 1 : fl;
    case 'nearest-even':
      return frac > 0.5 || (frac === 0.5 && fl % 2 === 1) ? fl + 1 : fl;
  }
}
