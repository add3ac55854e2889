/**
 * Behaviour on special inputs, recorded as observed: zeros must decode to ±0 (or to a float32-subnormal
 * magnitude, what a format without a zero such as E8M0 gives); NaN and ±Inf must be rejected by default with
 * a QbenchError (the EncodeOptions.nonFinite contract in @qbench/core), and what `nonFinite: 'propagate'` then
 * does is recorded; constants, float32 subnormals and huge values must not crash (a documented rejection is fine),
 * and their decoded result is described. 'fail' means a crash (a non-QbenchError exception), a wrong output
 * length, or a broken expectation above.
 */
import { encodeOptionsFor, type Format, isQbenchError, maxAbsError } from '@qbench/core';
import { METRIC, type ResultRecord } from '@qbench/spec';
import { errorText, type Subject, type Verdict, verdict } from './records.ts';

interface Case {
  name: string;
  specKey: string;
  fill(n: number): Float32Array;
  /** Must be rejected by default. */
  reject?: boolean;
  /** Decoded values must all be ±0 or below the float32 normal range. */
  zeros?: boolean;
  /** Finite output required. */
  finite?: boolean;
}

const CASES: readonly Case[] = [
  { name: 'zeros', specKey: 'zero', fill: (n) => new Float32Array(n), zeros: true },
  { name: 'constant', specKey: 'constant', fill: (n) => new Float32Array(n).fill(0.7), finite: true },
  {
    name: 'subnormal',
    specKey: 'subnormal',
    fill: (n) => Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * 1e-40 * ((i % 7) + 1)),
    finite: true,
  },
  {
    name: 'huge',
    specKey: 'overflow',
    fill: (n) => Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (i % 3 ? 1e30 : 3e38)),
  },
  {
    name: 'nan',
    specKey: 'nan',
    fill: (n) => Float32Array.from({ length: n }, (_, i) => (i === 3 ? Number.NaN : Math.sin(i))),
    reject: true,
  },
  {
    name: 'inf',
    specKey: 'inf',
    fill: (n) =>
      Float32Array.from({ length: n }, (_, i) =>
        i === 5 ? Number.POSITIVE_INFINITY : i === 9 ? Number.NEGATIVE_INFINITY : Math.cos(i),
      ),
    reject: true,
  },
];

/** Smallest positive normal float32: anything below is zero or subnormal. */
const MIN_NORMAL_F32 = 2 ** -126;

function describeOutput(
  x: Float32Array,
  y: Float32Array,
): { text: string; nonFinite: number; nonZero: number; aboveSubnormal: number } {
  let nan = 0;
  let inf = 0;
  let nonZero = 0;
  let aboveSubnormal = 0;
  for (const v of y) {
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    if (v !== 0) nonZero++;
    if (!(Math.abs(v) < MIN_NORMAL_F32)) aboveSubnormal++;
  }
  const finiteIn = x.every(Number.isFinite);
  const err = finiteIn && nan + inf === 0 ? `, max abs error ${maxAbsError(x, y).toPrecision(3)}` : '';
  return {
    text: `decodes to ${y.length} values (${nan} NaN, ${inf} ±Inf, ${nonZero} non-zero${err})`,
    nonFinite: nan + inf,
    nonZero,
    aboveSubnormal,
  };
}

function runCase(format: Format, c: Case, n: number): { v: Verdict; details: Record<string, unknown> } {
  const x = c.fill(n);
  if (c.reject && x.every(Number.isFinite))
    throw new Error(`the '${c.name}' case planted no non-finite value in ${n} elements`);
  const expected = format.spec.specialValues[c.specKey];
  const { options, details: policy } = encodeOptionsFor(format, n);
  const base = { elements: n, ...(expected ? { spec: expected } : {}), ...policy };
  let q: Uint8Array;
  try {
    q = format.reference.encode(x, options);
  } catch (e) {
    if (!isQbenchError(e))
      return { v: 'fail', details: { ...base, behaviour: `crashed in encode: ${errorText(e)}` } };
    if (c.reject) {
      let propagate = '';
      try {
        const qp = format.reference.encode(x, { ...options, nonFinite: 'propagate' });
        propagate = `; with nonFinite 'propagate' it ${describeOutput(x, format.reference.decode(qp, n)).text}`;
      } catch (pe) {
        propagate = `; with nonFinite 'propagate': ${errorText(pe)}`;
      }
      return {
        v: 'pass',
        details: {
          ...base,
          behaviour: `rejected by default (${e.code})${propagate}`,
          expected: 'rejected by default',
        },
      };
    }
    return { v: 'pass', details: { ...base, behaviour: `rejected: ${errorText(e)}` } };
  }
  if (c.reject) {
    return {
      v: 'fail',
      details: {
        ...base,
        behaviour: `accepted by default (${q.length} bytes)`,
        expected: 'rejected by default with an error',
      },
    };
  }
  let y: Float32Array;
  try {
    y = format.reference.decode(q, n);
  } catch (e) {
    return { v: 'fail', details: { ...base, behaviour: `encoded, then decode threw: ${errorText(e)}` } };
  }
  if (y.length !== n)
    return { v: 'fail', details: { ...base, behaviour: `decode gave ${y.length} values, expected ${n}` } };
  const d = describeOutput(x, y);
  if (c.zeros && d.aboveSubnormal > 0)
    return { v: 'fail', details: { ...base, behaviour: d.text, expected: 'all ±0 (or float32-subnormal)' } };
  if (c.finite && d.nonFinite > 0)
    return { v: 'fail', details: { ...base, behaviour: d.text, expected: 'finite output' } };
  return { v: 'pass', details: { ...base, behaviour: d.text } };
}

/**
 * Elements per special case: 4 blocks, and at least SPECIAL_MIN_ELEMENTS so that every position a case
 * plants a value at (NaN at 3, ±Inf at 5 and 9) lies inside the tensor even for one-element blocks.
 */
export const SPECIAL_MIN_ELEMENTS = 16;

export function specialSize(format: Format): number {
  const blocks = Math.max(4, Math.ceil(SPECIAL_MIN_ELEMENTS / format.blockElements));
  return blocks * format.blockElements;
}

export function specialRecords(format: Format, s: Subject): ResultRecord[] {
  const n = specialSize(format);
  return CASES.map((c) => {
    try {
      const r = runCase(format, c, n);
      return verdict(s, c.name, METRIC.specialValues, r.v, r.details);
    } catch (e) {
      return verdict(s, c.name, METRIC.specialValues, 'fail', { behaviour: `crashed: ${errorText(e)}` });
    }
  });
}
