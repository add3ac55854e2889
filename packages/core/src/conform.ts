/**
 * Conformance of a reference codec against a golden folder in the interchange format: per case, encode
 * the input and compare bytes with `.q`, decode `.q` and compare with `.out.f32` (NaN-ness compared,
 * not payloads). The first mismatch is reported with its block, byte/element, expected and got.
 * Families with other golden layouts (bnb's absmax files, PVQ's JSON) plug in through FormatFamily.golden.
 */
import { QbenchError } from './errors.ts';
import type { GoldenCase, GoldenFolder } from './golden.ts';
import { ulpDistance } from './metrics.ts';
import type { Format } from './traits.ts';

export interface Mismatch {
  /** Index of the first differing byte or element. */
  index: number;
  /** Block index (and row, where rows matter) of that position. */
  block: number;
  row?: number;
  /** Byte or element inside the block. */
  offsetInBlock: number;
  expected: number | string;
  got: number | string;
  ulp?: number;
  /** How many bytes/elements differ in total. */
  count: number;
}

export interface ConformCheck {
  /** encode | decode | dot | anything family-specific (e.g. 'absmax', 'index'). */
  op: string;
  ok: boolean;
  /** Set when the check could not run (unsupported), with the reason; counts as neither pass nor fail. */
  skipped?: string;
  mismatch?: Mismatch;
  /** Free text for checks that are not element comparisons (e.g. a dot within tolerance). */
  detail?: string;
}

export interface ConformCase {
  format: string;
  case: string;
  checks: ConformCheck[];
}

export interface ConformReport {
  folder: string;
  cases: ConformCase[];
}

export function caseOk(c: ConformCase): boolean {
  return c.checks.every((k) => k.ok || k.skipped !== undefined);
}

export function reportOk(r: ConformReport): boolean {
  return r.cases.every(caseOk);
}

/** Arrays of different lengths: the mismatch starts where the shorter ends, in no block. */
function lengthMismatch(expected: number, got: number, unit: 'bytes' | 'values'): Mismatch {
  return {
    index: Math.min(expected, got),
    block: -1,
    offsetInBlock: -1,
    expected: `${expected} ${unit}`,
    got: `${got} ${unit}`,
    count: Math.abs(expected - got),
  };
}

/** Compare bytes; blocks are `blockBytes` long. */
export function compareBytes(
  expected: Uint8Array,
  got: Uint8Array,
  blockBytes: number,
): Mismatch | undefined {
  if (expected.length !== got.length) return lengthMismatch(expected.length, got.length, 'bytes');
  let first = -1;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== got[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return undefined;
  return {
    index: first,
    block: Math.floor(first / blockBytes),
    offsetInBlock: first % blockBytes,
    expected: `0x${expected[first]!.toString(16).padStart(2, '0')}`,
    got: `0x${got[first]!.toString(16).padStart(2, '0')}`,
    count,
  };
}

/** Compare float32 arrays bit for bit, treating every NaN as equal to every NaN. */
export function compareF32(
  expected: Float32Array,
  got: Float32Array,
  blockElements: number,
): Mismatch | undefined {
  if (expected.length !== got.length) return lengthMismatch(expected.length, got.length, 'values');
  const eb = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const gb = new Uint32Array(got.buffer, got.byteOffset, got.length);
  let first = -1;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    if (eb[i] === gb[i]) continue;
    if (Number.isNaN(expected[i]!) && Number.isNaN(got[i]!)) continue;
    if (first < 0) first = i;
    count++;
  }
  if (first < 0) return undefined;
  return {
    index: first,
    block: Math.floor(first / blockElements),
    offsetInBlock: first % blockElements,
    expected: expected[first]!,
    got: got[first]!,
    ulp: ulpDistance(expected[first]!, got[first]!),
    count,
  };
}

function withRow(m: Mismatch | undefined, blocksPerRow: number): Mismatch | undefined {
  if (!m || m.block < 0 || blocksPerRow <= 0) return m;
  return { ...m, row: Math.floor(m.block / blocksPerRow) };
}

function num(c: GoldenCase, key: string): number | undefined {
  const v = c.meta[key];
  return typeof v === 'number' ? v : undefined;
}

/**
 * One case of an interchange-format folder (`q`, optional `in`, `out` and `imatrix`; `nrows`, `n_per_row`
 * or `n`): encode where it has an input, decode where it has an output. Golden inputs may hold NaN/Inf on purpose, so encode propagates rather than rejects.
 */
export function conformInterchangeCase(format: Format, c: GoldenCase): ConformCase {
  const nPerRow = num(c, 'n_per_row') ?? num(c, 'n');
  const nrows = num(c, 'nrows') ?? 1;
  if (nPerRow === undefined)
    throw new QbenchError('golden.manifest', `${c.folder.dir}: case ${c.name} gives neither n_per_row nor n`);
  const n = nPerRow * nrows;
  const ref = format.reference;
  const qBytes = ref.encodedBytes(n);
  const blocksPerRow = nPerRow / format.blockElements;
  const checks: ConformCheck[] = [];
  const q = c.bytes('q', qBytes);
  // A decode-only case (e.g. random bytes decoded by the home implementation) has no input to encode.
  if (c.has('in')) {
    const x = c.f32('in', n);
    const imatrix = c.has('imatrix') ? c.f32('imatrix', nPerRow) : undefined;
    const encoded = ref.encode(x, { nPerRow, nonFinite: 'propagate', ...(imatrix ? { imatrix } : {}) });
    const em = withRow(compareBytes(q, encoded, format.blockBytes), blocksPerRow);
    checks.push({ op: 'encode', ok: em === undefined, ...(em ? { mismatch: em } : {}) });
  }
  if (c.has('out')) {
    const out = c.f32('out', n);
    const dm = withRow(compareF32(out, ref.decode(q, n), format.blockElements), blocksPerRow);
    checks.push({ op: 'decode', ok: dm === undefined, ...(dm ? { mismatch: dm } : {}) });
  }
  return { format: format.id, case: c.name, checks };
}

export function conformInterchangeFolder(format: Format, folder: GoldenFolder): ConformReport {
  return { folder: folder.dir, cases: folder.cases.map((c) => conformInterchangeCase(format, c)) };
}

export function describeMismatch(m: Mismatch): string {
  const where =
    m.block < 0
      ? `at ${m.index}`
      : `${m.row !== undefined ? `row ${m.row}, ` : ''}block ${m.block}, offset ${m.offsetInBlock} (index ${m.index})`;
  const ulp = m.ulp !== undefined && Number.isFinite(m.ulp) ? `, ${m.ulp} ulp` : '';
  return `${where}: expected ${m.expected}, got ${m.got}${ulp}; ${m.count} differ`;
}
