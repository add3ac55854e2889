/**
 * Golden handler for ggml's vec_dot folder (datasets/golden/ggml/dot, manifest kind 'vec_dot'). Per weight
 * type the folder gives float32 inputs x and y, x quantized to the type (x_q), y quantized to the type's
 * vec_dot_type partner (y_q), and per row ggml_cpu_vec_dot (ggml's SIMD kernel, float32 bits) and the exact
 * f64 dot of the dequantized rows. Per case and row this checks:
 *   encode  — our quantization of x row r equals x_q row r byte for byte,
 *   partner — our quantization of y row r to the partner type equals y_q row r,
 *   dot     — our vec_dot of the golden x_q/y_q rows is within the spec's dot tolerance of ggml's value.
 * Types (or partners) without an implementation get checks marked `skipped`, never a silent pass. With
 * `format` set, only that type's case is checked, or, for a partner-only type (q8_k, q8_1), its partner
 * checks in every case that uses it; a type the folder does not mention gets an empty report.
 * A case may name `x_imatrix` (one value per column): x was quantized with it (the i-quants whose quantizer
 * requires one). The manifest's cases have no `name`, so this reads it itself (every file sha256-verified).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  bitsToF32,
  bytesToF32,
  type ConformCase,
  type ConformCheck,
  type ConformReport,
  compareBytes,
  FORMAT_SPECS,
  type GoldenHandler,
  isFormatId,
  type OpTolerance,
  QbenchError,
  type ReferenceCodec,
  readGoldenManifest,
} from '@qbench/core';
import { ggmlCodec } from './codec.ts';
import { GGML_TYPES } from './reference/index.ts';

/** One case of the vec_dot manifest, validated. */
interface DotCase {
  index: number;
  xType: string;
  yType: string;
  nrows: number;
  n: number;
  files: Record<'x_in' | 'y_in' | 'x_q' | 'y_q', string>;
  /** Importance matrix for x's quantization (one value per column), for types whose quantizer requires one. */
  xImatrix?: string;
  sha256: Record<string, string>;
  /** ggml_cpu_vec_dot per row, from the exact float32 bits. */
  ggml: number[];
  ggmlBits: string[];
  exact: number[];
}

const FILE_ROLES = ['x_in', 'y_in', 'x_q', 'y_q'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The folder's manifest, or undefined where it has none or an unreadable one (then it is not a vec_dot folder). */
function readManifest(dir: string): Record<string, unknown> | undefined {
  if (!existsSync(join(dir, 'manifest.json'))) return undefined;
  try {
    return readGoldenManifest(dir);
  } catch {
    return undefined; // not ours to claim: the interchange reader reports the bad manifest by name
  }
}

function positiveInt(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new QbenchError('golden.manifest', `${where} must be a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

function stringField(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) {
    throw new QbenchError('golden.manifest', `${where} must be a non-empty string, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** Validate one manifest case, naming the manifest path and field on any problem. */
function parseCase(c: unknown, index: number, manifestPath: string): DotCase {
  const where = `${manifestPath}: cases[${index}]`;
  if (!isRecord(c)) throw new QbenchError('golden.manifest', `${where} must be an object`);
  const nrows = positiveInt(c['nrows'], `${where}.nrows`);
  const n = positiveInt(c['n'], `${where}.n`);
  const files = c['files'];
  const sha = c['sha256'];
  if (!isRecord(files) || !isRecord(sha)) {
    throw new QbenchError('golden.manifest', `${where} needs 'files' and 'sha256' objects`);
  }
  const fileMap = {} as DotCase['files'];
  const shaMap: Record<string, string> = {};
  for (const role of FILE_ROLES) {
    fileMap[role] = stringField(files[role], `${where}.files.${role}`);
    shaMap[role] = stringField(sha[role], `${where}.sha256.${role}`);
  }
  if (files['x_imatrix'] !== undefined) {
    shaMap['x_imatrix'] = stringField(sha['x_imatrix'], `${where}.sha256.x_imatrix`);
  }
  const kernel = c['ggml_cpu_vec_dot'];
  const exact = c['exact_f64_dot_of_dequantized'];
  if (!Array.isArray(kernel) || kernel.length !== nrows || !Array.isArray(exact) || exact.length !== nrows) {
    throw new QbenchError(
      'golden.manifest',
      `${where}: ggml_cpu_vec_dot and exact_f64_dot_of_dequantized must list one value per row (${nrows})`,
    );
  }
  const ggmlBits = kernel.map((k: unknown, r) => {
    const bits = isRecord(k) ? k['bits'] : undefined;
    if (typeof bits !== 'string' || !/^0x[0-9a-fA-F]{1,8}$/.test(bits)) {
      throw new QbenchError(
        'golden.manifest',
        `${where}.ggml_cpu_vec_dot[${r}].bits must be a 0x… float32 bit pattern`,
      );
    }
    return bits;
  });
  return {
    index,
    xType: stringField(c['x_type'], `${where}.x_type`),
    yType: stringField(c['y_type'], `${where}.y_type`),
    nrows,
    n,
    files: fileMap,
    ...(files['x_imatrix'] !== undefined
      ? { xImatrix: stringField(files['x_imatrix'], `${where}.files.x_imatrix`) }
      : {}),
    sha256: shaMap,
    ggml: ggmlBits.map((b) => bitsToF32(Number.parseInt(b, 16))),
    ggmlBits,
    exact: exact.map((v: unknown, r) => {
      if (typeof v !== 'number') {
        throw new QbenchError(
          'golden.manifest',
          `${where}.exact_f64_dot_of_dequantized[${r}] must be a number`,
        );
      }
      return v;
    }),
  };
}

/** Read a file named by the manifest, checking its size (when known) and sha256. */
function readVerified(dir: string, file: string, sha: string, expectedBytes: number): Uint8Array {
  const path = join(dir, file);
  if (!existsSync(path))
    throw new QbenchError('golden.missing', `${path}: file named in the manifest is missing`, { file: path });
  const bytes = new Uint8Array(readFileSync(path));
  if (bytes.length !== expectedBytes) {
    throw new QbenchError(
      'golden.size',
      `${path}: ${bytes.length < expectedBytes ? 'truncated' : 'too long'}: ${bytes.length} bytes, expected ${expectedBytes}`,
      { file: path, expected: expectedBytes, got: bytes.length },
    );
  }
  const got = createHash('sha256').update(bytes).digest('hex');
  if (got !== sha.toLowerCase()) {
    throw new QbenchError('golden.checksum', `${path}: sha256 ${got} does not match the manifest's ${sha}`, {
      file: path,
      expected: sha,
      got,
    });
  }
  return bytes;
}

/** The codec of a ggml type, or the reason it cannot be checked. */
function codecFor(id: string): { codec: ReferenceCodec; tolerance?: OpTolerance } | string {
  if (!isFormatId(id)) return `no spec for ggml type '${id}'`;
  const impl = GGML_TYPES[id];
  if (!impl) return `${id} is not implemented yet`;
  const spec = FORMAT_SPECS[id];
  return {
    codec: ggmlCodec(spec, impl, (p) => GGML_TYPES[p]),
    ...(spec.tolerance.dot ? { tolerance: spec.tolerance.dot } : {}),
  };
}

function skipped(op: string, reason: string): ConformCheck {
  return { op, ok: false, skipped: reason };
}

/** Row r of an encoding compared with the golden bytes; the mismatch carries the row. */
function compareRow(
  op: string,
  expected: Uint8Array,
  got: Uint8Array,
  blockBytes: number,
  row: number,
): ConformCheck {
  const m = compareBytes(expected, got, blockBytes);
  return { op, ok: m === undefined, detail: `row ${row}`, ...(m ? { mismatch: { ...m, row } } : {}) };
}

function dotCheck(c: DotCase, row: number, got: number, tol: OpTolerance): ConformCheck {
  const expected = c.ggml[row]!;
  const diff = Math.abs(got - expected);
  const allowed = (tol.absolute ?? 0) + (tol.relative ?? 0) * Math.abs(expected);
  const ok = tol.bitExact ? Object.is(got, expected) : diff <= allowed;
  const detail =
    `row ${row}: got ${got}, ggml_cpu_vec_dot ${expected} (${c.ggmlBits[row]}), exact ${c.exact[row]}; ` +
    `|got − ggml| = ${diff.toExponential(3)}, allowed ${tol.bitExact ? 'bit-exact' : allowed.toExponential(3)}`;
  return { op: 'dot', ok, detail };
}

/** All checks of one manifest case. */
function conformCase(dir: string, c: DotCase): ConformCase {
  const name = `${c.xType}·${c.yType}`;
  const x = codecFor(c.xType);
  const y = codecFor(c.yType);
  if (typeof x === 'string') {
    return { format: c.xType, case: name, checks: ['encode', 'partner', 'dot'].map((op) => skipped(op, x)) };
  }
  const total = c.nrows * c.n;
  const xBytes = x.codec.encodedBytes(c.n);
  const xIn = bytesToF32(readVerified(dir, c.files.x_in, c.sha256['x_in']!, total * 4));
  const yIn = bytesToF32(readVerified(dir, c.files.y_in, c.sha256['y_in']!, total * 4));
  const xq = readVerified(dir, c.files.x_q, c.sha256['x_q']!, c.nrows * xBytes);
  const imatrix = c.xImatrix
    ? bytesToF32(readVerified(dir, c.xImatrix, c.sha256['x_imatrix']!, c.n * 4))
    : undefined;
  const checks: ConformCheck[] = [];
  const xImpl = GGML_TYPES[c.xType]!;
  const yImpl = GGML_TYPES[c.yType];
  const yBytes = yImpl ? (c.n / yImpl.blockElements) * yImpl.blockBytes : 0;
  const yq =
    typeof y === 'string' ? undefined : readVerified(dir, c.files.y_q, c.sha256['y_q']!, c.nrows * yBytes);
  if (xImpl.vecDotType !== undefined && xImpl.vecDotType !== c.yType) {
    checks.push({
      op: 'partner',
      ok: false,
      detail: `${c.xType}'s vec_dot_type is ${xImpl.vecDotType}, the folder pairs it with ${c.yType}`,
    });
  }
  for (let r = 0; r < c.nrows; r++) {
    const xRow = xIn.subarray(r * c.n, (r + 1) * c.n);
    const xqRow = xq.subarray(r * xBytes, (r + 1) * xBytes);
    checks.push(
      compareRow('encode', xqRow, x.codec.encode(xRow, imatrix ? { imatrix } : {}), xImpl.blockBytes, r),
    );
    if (typeof y === 'string' || !yq || !yImpl) {
      checks.push(skipped('partner', `row ${r}: ${y}`), skipped('dot', `row ${r}: partner ${y}`));
      continue;
    }
    const yqRow = yq.subarray(r * yBytes, (r + 1) * yBytes);
    checks.push(
      compareRow('partner', yqRow, y.codec.encode(yIn.subarray(r * c.n, (r + 1) * c.n)), yImpl.blockBytes, r),
    );
    if (!xImpl.vecDot || !x.tolerance) {
      checks.push(
        skipped(
          'dot',
          `row ${r}: ${c.xType} has no ${xImpl.vecDot ? 'dot tolerance in its spec' : 'vec_dot'}`,
        ),
      );
      continue;
    }
    // The dot of the golden operands, so a dot failure is independent of encode/partner failures.
    checks.push(dotCheck(c, r, xImpl.vecDot(xqRow, yqRow, c.n), x.tolerance));
  }
  return { format: c.xType, case: name, checks };
}

/**
 * Only the partner checks of a case, reported under the partner type, for a run restricted to a type that
 * appears in the folder only as an activation partner (q8_k, q8_1).
 */
function partnerCase(dir: string, c: DotCase): ConformCase {
  const name = `${c.xType}·${c.yType} (partner)`;
  const y = codecFor(c.yType);
  if (typeof y === 'string') return { format: c.yType, case: name, checks: [skipped('partner', y)] };
  const yImpl = GGML_TYPES[c.yType]!;
  const yBytes = y.codec.encodedBytes(c.n);
  const yIn = bytesToF32(readVerified(dir, c.files.y_in, c.sha256['y_in']!, c.nrows * c.n * 4));
  const yq = readVerified(dir, c.files.y_q, c.sha256['y_q']!, c.nrows * yBytes);
  const checks: ConformCheck[] = [];
  for (let r = 0; r < c.nrows; r++) {
    const got = y.codec.encode(yIn.subarray(r * c.n, (r + 1) * c.n));
    checks.push(compareRow('partner', yq.subarray(r * yBytes, (r + 1) * yBytes), got, yImpl.blockBytes, r));
  }
  return { format: c.yType, case: name, checks };
}

/** True for a folder whose manifest.json has kind 'vec_dot'. */
export function claimsDotFolder(dir: string): boolean {
  return readManifest(dir)?.['kind'] === 'vec_dot';
}

export async function conformDotFolder(
  dir: string,
  options: { format?: string } = {},
): Promise<ConformReport> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = readGoldenManifest(dir);
  if (manifest['kind'] !== 'vec_dot' || !Array.isArray(manifest['cases'])) {
    throw new QbenchError(
      'golden.manifest',
      `${manifestPath}: not a vec_dot manifest (kind 'vec_dot' with a 'cases' array)`,
    );
  }
  const all = (manifest['cases'] as unknown[]).map((c, i) => parseCase(c, i, manifestPath));
  const only = options.format;
  if (only === undefined) return { folder: dir, cases: all.map((c) => conformCase(dir, c)) };
  // Restricted to one type: its own weight case, else the cases where it is the activation partner. A type
  // the folder does not mention gets no cases (callers report that as a skip).
  const own = all.filter((c) => c.xType === only);
  const cases =
    own.length > 0
      ? own.map((c) => conformCase(dir, c))
      : all.filter((c) => c.yType === only).map((c) => partnerCase(dir, c));
  return { folder: dir, cases };
}

export const ggmlDotGolden: GoldenHandler = {
  claims: claimsDotFolder,
  conform: conformDotFolder,
};
