/**
 * Dynamic ids `eXmY` (X exponent bits 1..8, Y mantissa bits 0..15, 1 sign bit, at most 16 bits in all) for
 * any minifloat without a spec file, e.g. `e3m4` (Brevitas' default) or `e4m3` (no "fn": all codes finite).
 *
 * Defaults (the OCP FP6/FP4 and Brevitas style, chosen because IEEE-style reserved codes waste a whole
 * binade at small widths): bias 2^(X−1) − 1, subnormals, ±0, NO Inf and NO NaN codes (every code is a
 * number, so the max is 2^(2^X − 1 − bias) · (2 − 2^−Y)), saturating overflow, round to nearest even,
 * NaN inputs → +max. Worked example, e3m4: bias 3, max 2^4 · (2 − 1/16) = 31, min subnormal 2^−2/16 = 2^−6.
 */
import { deriveNumbers, type FormatSpec, type LayoutField, type ResolvedSpec } from '@qbench/core';
import { ElementFormat, type MinifloatParams } from './element.ts';

const PATTERN = /^e([1-8])m(\d{1,2})$/;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function parseMinifloatId(id: string, specIds: readonly string[]): ResolvedSpec | undefined {
  const m = PATTERN.exec(id);
  if (!m || specIds.includes(id)) return undefined;
  const ebits = Number(m[1]);
  const mbits = Number(m[2]);
  if (m[2]!.length > 1 && m[2]!.startsWith('0')) return undefined;
  const bits = 1 + ebits + mbits;
  if (mbits > 15 || bits > 16) return undefined;
  const params: MinifloatParams = {
    ebits,
    mbits,
    bias: 2 ** (ebits - 1) - 1,
    signed: true,
    subnormals: true,
    nan: 'none',
    infinity: false,
    overflow: 'saturate',
    rounding: 'nearest-even',
  };
  const f = new ElementFormat(params);
  const blockElements = 8 / gcd(bits, 8);
  const field: LayoutField =
    bits <= 8
      ? {
          name: 'codes',
          type: `u${bits}` as LayoutField['type'],
          count: blockElements,
          description: `${bits}-bit codes`,
        }
      : { name: 'codes', type: 'bits', bits, count: blockElements, description: `${bits}-bit codes` };
  const spec: FormatSpec = {
    id,
    family: 'minifloat',
    summary: `Minifloat E${ebits}M${mbits} (dynamic id): bias ${params.bias}, max ${f.maxValue}, min subnormal ${f.minPositive}, no Inf/NaN codes, saturating.`,
    role: 'container',
    provenance: {
      implementation:
        'qbench generic ExMy minifloat (finite-only defaults, as OCP FP6/FP4 and Brevitas FloatQuant)',
      commit: 'spec:qbench dynamic eXmY id',
      notes: 'not a spec file: built by parseDynamicId',
    },
    params: { ...params },
    layout: {
      blockElements,
      blockBytes: (bits * blockElements) / 8,
      fields: [field],
      packing: 'codes packed densely least-significant bit first; a partial final block is zero-padded',
    },
    encoding: {
      kind: 'minifloat',
      description: `S.${'E'.repeat(ebits)}.${'M'.repeat(mbits)}, bias ${params.bias}, subnormals at field 0`,
    },
    scale: { kind: 'none', description: 'no scale: the code is the value' },
    rounding: { mode: 'nearest-even', description: 'round to nearest, ties to even' },
    specialValues: {
      nan: 'no NaN code: NaN inputs encode to +max',
      inf: 'no Inf code: ±Inf saturate to ±max',
      zero: 'all-zero code',
      negativeZero: 'sign bit with zero magnitude (kept)',
      subnormal: `field 0: multiples of 2^${1 - params.bias - mbits}`,
      overflow: `saturate to ±${f.maxValue}`,
    },
    tolerance: { encode: { bitExact: true }, decode: { bitExact: true } },
    notes: [
      'Dynamic eXmY defaults: bias 2^(X−1) − 1, subnormals, ±0, no Inf/NaN codes, saturating, round to nearest even. Spec files (e4m3fn, e5m2, e2m1, …) win over these defaults for their own ids.',
    ],
  };
  return { ...spec, derived: deriveNumbers(spec.layout) };
}
