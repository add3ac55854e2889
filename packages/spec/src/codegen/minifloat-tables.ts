/**
 * Element decode tables for the kernels of minifloat-coded formats, derived from each spec's parameters
 * (never typed in): for a spec with `params.ebits/mbits/bias/…` (an element format) or `params.element`
 * naming one (an MX / NVFP4 block format; `element: 'int8'` with `intScaleExponent`), every code's value
 * as float32 bits. The formula is the spec's: field f > 0 → 2^(f−bias)·(1 + m/2^mbits); f = 0 with
 * subnormals → 2^(1−bias)·m/2^mbits, else 2^(−bias)·(1 + m/2^mbits); NaN codes per `nan` ('all-ones': all
 * magnitude bits set; 'negative-zero': the sign bit alone; 'ieee': top exponent field, inf when the
 * mantissa is 0 and `infinity`) are written as the quiet NaN 0x7FC00000 with the code's sign.
 * Block floating point (`encoding.kind` 'block-float', `params.mbits`): sign-magnitude integers ±k with the
 * sign in bit mbits (code = sign bit alone is −0), which the kernels multiply by the block's 2^(e − bias).
 */
import type { ResolvedSpec } from '@qbench/core/spec';

interface ElementParams {
  ebits: number;
  mbits: number;
  bias: number;
  signed: boolean;
  subnormals: boolean;
  nan: 'none' | 'all-ones' | 'negative-zero' | 'ieee';
  infinity: boolean;
}

export interface ElementTable {
  /** Code width in bits. */
  bits: number;
  /** float32 bit pattern of every code. */
  bits32: number[];
}

function isElementParams(
  p: Record<string, unknown> | undefined,
): p is Record<string, unknown> & ElementParams {
  return (
    !!p && typeof p['ebits'] === 'number' && typeof p['mbits'] === 'number' && typeof p['bias'] === 'number'
  );
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toBits(v: number): number {
  f32[0] = v;
  return u32[0]!;
}

export function minifloatTable(p: ElementParams): ElementTable {
  const signed = p.signed !== false;
  const bits = p.ebits + p.mbits + (signed ? 1 : 0);
  const signBit = signed ? 1 << (p.ebits + p.mbits) : 0;
  const magMask = (1 << (p.ebits + p.mbits)) - 1;
  const out: number[] = [];
  for (let c = 0; c < 1 << bits; c++) {
    const negative = (c & signBit) !== 0;
    const mag = c & magMask;
    const nanBits = (0x7fc00000 | (negative ? 0x80000000 : 0)) >>> 0;
    const field = mag >>> p.mbits;
    const mant = mag & ((1 << p.mbits) - 1);
    if (p.nan === 'negative-zero' && c === signBit && signed) {
      out.push(nanBits);
      continue;
    }
    if (p.nan === 'all-ones' && mag === magMask) {
      out.push(nanBits);
      continue;
    }
    if (p.nan === 'ieee' && field === (1 << p.ebits) - 1) {
      out.push(mant === 0 && p.infinity ? toBits(negative ? -Infinity : Infinity) : nanBits);
      continue;
    }
    const v =
      field === 0 && p.subnormals
        ? 2 ** (1 - p.bias) * (mant / 2 ** p.mbits)
        : 2 ** (field - p.bias) * (1 + mant / 2 ** p.mbits);
    out.push(toBits(negative ? -v : v));
  }
  return { bits, bits32: out };
}

/** int8 elements k·2^scaleExponent (MXINT8), indexed by the unsigned byte. */
export function int8Table(scaleExponent: number): ElementTable {
  const out: number[] = [];
  for (let c = 0; c < 256; c++) out.push(toBits(((c << 24) >> 24) * 2 ** scaleExponent));
  return { bits: 8, bits32: out };
}

/** Sign-magnitude integers of mbits magnitude bits: code c → ±(c & (2^mbits − 1)), sign bit mbits. */
export function signMagnitudeTable(mbits: number): ElementTable {
  const out: number[] = [];
  for (let c = 0; c < 1 << (mbits + 1); c++) {
    const k = c & ((1 << mbits) - 1);
    out.push(toBits(c >> mbits ? -k : k));
  }
  return { bits: mbits + 1, bits32: out };
}

/** The element table of a spec, or undefined when it is not minifloat-coded (element ids resolve in `family`). */
export function elementTableOf(
  spec: ResolvedSpec,
  family: readonly ResolvedSpec[],
): ElementTable | undefined {
  const p = spec.params as Record<string, unknown> | undefined;
  if (isElementParams(p)) return minifloatTable(p);
  if (spec.encoding.kind === 'block-float' && typeof p?.['mbits'] === 'number')
    return signMagnitudeTable(p['mbits']);
  const element = p?.['element'];
  if (element === 'int8' && typeof p?.['intScaleExponent'] === 'number')
    return int8Table(p['intScaleExponent']);
  if (typeof element === 'string') {
    const e = family.find((s) => s.id === element);
    const ep = e?.params as Record<string, unknown> | undefined;
    if (isElementParams(ep)) return minifloatTable(ep);
  }
  return undefined;
}

/**
 * Searched formats (LLM-FP4: params.splits, the candidate element formats in the order the tensor header
 * indexes them): every split's table, concatenated, so code c of split j is entry j·2^bits + c.
 */
export function splitTablesOf(spec: ResolvedSpec): ElementTable | undefined {
  const splits = (spec.params as Record<string, unknown> | undefined)?.['splits'];
  if (!Array.isArray(splits) || splits.length === 0 || !splits.every((p) => isElementParams(p)))
    return undefined;
  const tables = splits.map((p) => minifloatTable(p as ElementParams));
  const bits = tables[0]!.bits;
  if (tables.some((t) => t.bits !== bits)) return undefined;
  return { bits, bits32: tables.flatMap((t) => t.bits32) };
}
