/**
 * The one conformance harness: every kernel (reference, wasm-simd128, webgpu, external) runs against the
 * format's reference codec on the same case list, and against the golden vectors the spec names.
 *   decode: block counts 1, 2, 3, 7, 31, 33, 257 of reference-encoded data (counted in whole rows where a
 *           format's tensors are rows of several blocks); the same bytes at an odd byteOffset; random bytes
 *           (every scale and code pattern, incl. inf/NaN scales; under reference-encoded side info too when
 *           the reference rejects random side info); golden `.q`→`.out`.
 *           Compared bit for bit (NaN-ness only) where the spec says decode is bitExact, else within maxUlp.
 *   dot:    rows × (1, 2, 3, 7, 31, 33 blocks) against the reference dot, and ggml's vec_dot golden results.
 *           A format whose reference has no dot (no vec_dot in its source: NF4, FP4, MX, minifloats…) is held
 *           to the float dot of its decoded row with y: Σ decode(x)_j·y_j in float64, rounded to float32
 *           (floatDot), within its spec's tolerance.dot. The matrix is always one rows × n tensor as the
 *           reference encodes it; where that puts side info outside the blocks (nvfp4_torchao's and ifairy's tensor
 *           scales, nf4_dq's absmax2 and mwq's scales and bit planes, which span rows) a row is not a tensor
 *           of its own, and the kernel is held to floatDotRows (the whole matrix's decode).
 *           Within the spec's dot tolerance: |got − ref| ≤ absolute + relative·Σ|x_j·y_j| (the magnitude that
 *           summation-order rounding scales with); `bit-exact` is noted when it is.
 * A kernel that throws, returns the wrong length, or does not answer within the time limit fails the case
 * with that verdict; it never stops the harness.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type ConformCase,
  type ConformCheck,
  compareF32,
  type DecodeKernel,
  type DotKernel,
  encodeForSuite,
  type Format,
  type GoldenCase,
  generate,
  goldenClaimant,
  type Kernel,
  type KernelTraits,
  type Mismatch,
  openGoldenFolder,
  QbenchError,
  readGoldenManifest,
  SplitMix64,
  ulpDistance,
} from '@qbench/core';
import { conformEncode } from './conformance-encode.ts';
import { describeError, SEED, sampleInput, within } from './harness-util.ts';

export const BLOCK_COUNTS = [1, 2, 3, 7, 31, 33, 257] as const;
const DOT_BLOCK_COUNTS = [1, 2, 3, 7, 31, 33] as const;
const DOT_ROWS = 3;

const goldenRoot = fileURLToPath(new URL('../../../datasets/golden/', import.meta.url));

export interface KernelConformance {
  kernel: KernelTraits['id'];
  format: string;
  op: KernelTraits['op'];
  backend: KernelTraits['backend'];
  cases: ConformCase[];
  /** Every case passed or was skipped, and at least one ran. */
  ok: boolean;
  /** Set when the kernel could not be loaded or no case applies (a visible skip, not a pass). */
  skipped?: string;
  /** The kernel failed to load: an error, not a skip. */
  error?: string;
}

export interface ConformOptions {
  /** Per-call time limit for kernels that answer asynchronously (GPU, worker-hosted external kernels). */
  timeoutMs?: number;
  /** Leave out the golden vectors (quick runs). */
  golden?: boolean;
  /** Largest block count to use (quick runs); default: all of BLOCK_COUNTS. */
  maxBlocks?: number;
}

/** A case that does not apply here (the kernel's shapes, the reference's, a golden folder's layout), and why. */
function skippedCase(format: Format, name: string, op: 'decode' | 'dot', why: string): ConformCase {
  return { format: format.id, case: name, checks: [{ op, ok: false, skipped: why }] };
}

/**
 * Blocks per case unit: 1, or for a format whose tensors are whole rows of several blocks (bfp12_ksort:
 * a permutation of 128 channels, 4 blocks) the fewest blocks its reference can size. The case list's block
 * counts count such units, so that every case is a tensor the reference encodes.
 */
function blocksPerUnit(format: Format): number {
  for (let b = 1; b <= 64; b++) {
    try {
      format.reference.encodedBytes(b * format.blockElements);
      return b;
    } catch {
      // not a whole unit: try one block more
    }
  }
  return 1;
}

/** A copy of `bytes` that starts at an odd byteOffset of its ArrayBuffer. */
export function atOddOffset(bytes: Uint8Array): Uint8Array {
  const buf = new Uint8Array(bytes.byteLength + 3);
  const view = buf.subarray(1, 1 + bytes.byteLength);
  view.set(bytes);
  return view;
}

function randomBytes(count: number, seed: number): Uint8Array {
  const rng = new SplitMix64(seed);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i += 4) {
    const w = rng.nextHalves()[1]!;
    for (let k = 0; k < 4 && i + k < count; k++) out[i + k] = (w >>> (8 * k)) & 0xff;
  }
  return out;
}

function decodeTolerance(format: Format, expected: Float32Array, got: Float32Array): Mismatch | undefined {
  const tol = format.spec.tolerance.decode;
  const m = compareF32(expected, got, format.blockElements);
  if (!m || tol.bitExact) return m;
  // not bit-exact by spec: an element counts as a mismatch only beyond maxUlp (default 0)
  const maxUlp = tol.maxUlp ?? 0;
  let first = -1;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const g = got[i]!;
    if (Number.isNaN(e) && Number.isNaN(g)) continue;
    if (ulpDistance(e, g) <= maxUlp) continue;
    if (first < 0) first = i;
    count++;
  }
  if (first < 0) return undefined;
  const e = expected[first]!;
  const g = got[first]!;
  return {
    index: first,
    block: Math.floor(first / format.blockElements),
    offsetInBlock: first % format.blockElements,
    expected: e,
    got: g,
    ulp: ulpDistance(e, g),
    count,
  };
}

async function decodeCheck(
  kernel: DecodeKernel,
  format: Format,
  q: Uint8Array,
  n: number,
  expected: Float32Array,
  ms: number,
): Promise<ConformCheck> {
  let got: Float32Array;
  try {
    got = await within(kernel.decode(q, n), ms, 'decode');
  } catch (e) {
    return { op: 'decode', ok: false, detail: `threw ${describeError(e)}` };
  }
  if (!(got instanceof Float32Array))
    return {
      op: 'decode',
      ok: false,
      detail: `returned ${Object.prototype.toString.call(got)}, not a Float32Array`,
    };
  if (got.length !== n)
    return { op: 'decode', ok: false, detail: `returned ${got.length} values, expected ${n}` };
  const m = decodeTolerance(format, expected, got);
  return m ? { op: 'decode', ok: false, mismatch: m } : { op: 'decode', ok: true };
}

function goldenFolders(format: Format): string[] {
  return (format.spec.golden ?? [])
    .map((g) => `${goldenRoot}${g}`)
    .filter((d) => existsSync(`${d}/manifest.json`));
}

/** A file of a vec_dot manifest case, checked against its sha256 and expected size. */
function readChecked(dir: string, c: Record<string, unknown>, role: string, bytes: number): Uint8Array {
  const files = c['files'] as Record<string, string> | undefined;
  const shas = c['sha256'] as Record<string, string> | undefined;
  const file = files?.[role];
  if (!file) throw new QbenchError('golden.manifest', `${dir}/manifest.json: a case has no '${role}' file`);
  const data = new Uint8Array(readFileSync(`${dir}/${file}`));
  if (data.byteLength !== bytes)
    throw new QbenchError('golden.size', `${dir}/${file}: ${data.byteLength} bytes, expected ${bytes}`);
  const sha = createHash('sha256').update(data).digest('hex');
  if (shas?.[role] !== sha)
    throw new QbenchError('golden.checksum', `${dir}/${file}: sha256 ${sha} does not match the manifest`);
  return data;
}

function meta(c: GoldenCase, key: string): number | undefined {
  const v = c.meta[key];
  return typeof v === 'number' ? v : undefined;
}

async function conformDecode(
  traits: KernelTraits,
  kernel: DecodeKernel,
  format: Format,
  o: Required<ConformOptions>,
): Promise<ConformCase[]> {
  const cases: ConformCase[] = [];
  const ref = format.reference;
  const one = async (name: string, q: Uint8Array, n: number) => {
    const supported = traits.supports({ n });
    if (supported !== true) return cases.push(skippedCase(format, name, 'decode', supported));
    let expected: Float32Array;
    try {
      expected = ref.decode(q, n);
    } catch (e) {
      return cases.push(
        skippedCase(format, name, 'decode', `the reference rejects this input (${describeError(e)})`),
      );
    }
    cases.push({
      format: format.id,
      case: name,
      checks: [await decodeCheck(kernel, format, q, n, expected, o.timeoutMs)],
    });
  };
  const unit = blocksPerUnit(format);
  for (const count of BLOCK_COUNTS.filter((b) => b <= o.maxBlocks)) {
    const blocks = count * unit;
    const n = blocks * format.blockElements;
    let q: Uint8Array;
    try {
      q = encodeForSuite(format, sampleInput(n, SEED + blocks));
    } catch (e) {
      // e.g. a format whose tensors must span whole channel groups: the shape is not one it can encode
      cases.push(
        skippedCase(
          format,
          `blocks=${blocks}`,
          'decode',
          `the reference cannot encode ${n} elements (${describeError(e)})`,
        ),
      );
      continue;
    }
    await one(`blocks=${blocks}`, q, n);
    if (count === 33 || (count === o.maxBlocks && o.maxBlocks < 33))
      await one(`blocks=${blocks} at odd byteOffset`, atOddOffset(q), n);
  }
  const rb = Math.min(33, o.maxBlocks) * unit;
  const rbN = rb * format.blockElements;
  // every byte random, headers included (encodedBytes counts a format's per-tensor side info)
  let rbBytes: number;
  try {
    rbBytes = ref.encodedBytes(rbN);
  } catch {
    rbBytes = rb * format.blockBytes;
  }
  const random = randomBytes(rbBytes, SEED);
  await one(`random bytes (${rb} blocks)`, random, rbN);
  // side info that random bytes almost never make valid (bfp12_ksort's permutation must be a bijection):
  // the same random blocks again under the side info of a reference-encoded tensor, so the blocks' every
  // scale and code pattern is still checked
  const header = rbBytes - rb * format.blockBytes;
  if (header > 0 && cases.at(-1)?.checks[0]?.skipped !== undefined) {
    try {
      const q = random.slice();
      q.set(encodeForSuite(format, sampleInput(rbN, SEED + rb)).subarray(0, header));
      await one(`random blocks (${rb}) under reference-encoded side info`, q, rbN);
    } catch {
      // the reference cannot encode this shape: the random-bytes case above already says why
    }
  }
  if (!o.golden) return cases;
  for (const dir of goldenFolders(format)) {
    if (readGoldenManifest(dir)['kind'] === 'vec_dot') continue;
    const claim = await goldenClaimant(dir);
    if (claim.family) {
      // a family-specific layout (e.g. bnb's planar codes + absmax files): its own golden tests check it
      cases.push(
        skippedCase(
          format,
          `golden ${dir.slice(goldenRoot.length)}`,
          'decode',
          `golden folder in the ${claim.family.family} family's own layout, not the interchange format`,
        ),
      );
      continue;
    }
    let folder: ReturnType<typeof openGoldenFolder>;
    try {
      folder = openGoldenFolder(dir);
    } catch (e) {
      cases.push(
        skippedCase(
          format,
          `golden ${dir.slice(goldenRoot.length)}`,
          'decode',
          `not an interchange-format folder (${describeError(e)})`,
        ),
      );
      continue;
    }
    for (const c of folder.cases) {
      if (!c.has('q') || !c.has('out')) continue;
      const nPerRow = meta(c, 'n_per_row') ?? meta(c, 'n');
      if (nPerRow === undefined) continue;
      const n = nPerRow * (meta(c, 'nrows') ?? 1);
      const name = `golden ${dir.slice(goldenRoot.length)}/${c.name}`;
      const q = c.bytes('q', (n / format.blockElements) * format.blockBytes);
      cases.push({
        format: format.id,
        case: name,
        checks: [await decodeCheck(kernel, format, q, n, c.f32('out', n), o.timeoutMs)],
      });
    }
  }
  return cases;
}

/** Σ|x_j·y_j| per row in float64, from the reference decode: the scale of summation-order rounding. */
function absDots(format: Format, q: Uint8Array, y: Float32Array, rows: number): Float64Array {
  const n = y.length;
  const x = format.reference.decode(q, n * rows);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(x[r * n + j]! * y[j]!);
    out[r] = s;
  }
  return out;
}

/**
 * The reference dot of a format whose source defines none: the exact-as-float64 dot of the reference decode
 * of the row with y, rounded once to float32. A kernel that dequantizes and multiplies in float32 differs
 * from it only by its own summation rounding, which the spec's tolerance.dot bounds.
 */
export function floatDot(format: Format): (q: Uint8Array, y: Float32Array) => number {
  return (q, y) => {
    const x = format.reference.decode(q, y.length);
    let s = 0;
    for (let j = 0; j < y.length; j++) s += x[j]! * y[j]!;
    return Math.fround(s);
  };
}

/**
 * floatDot of every row of a matrix stored as one tensor whose side info (before the rows) every row
 * shares: the reference decode of the whole matrix, then Σ x_j·y_j per row in float64, rounded to float32.
 */
export function floatDotRows(format: Format, q: Uint8Array, y: Float32Array, rows: number): number[] {
  const n = y.length;
  const x = format.reference.decode(q, n * rows);
  return Array.from({ length: rows }, (_, r) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += x[r * n + j]! * y[j]!;
    return Math.fround(s);
  });
}

async function dotCheck(
  kernel: DotKernel,
  format: Format,
  q: Uint8Array,
  y: Float32Array,
  rows: number,
  expected: ArrayLike<number>,
  ms: number,
): Promise<ConformCheck> {
  let got: Float32Array;
  try {
    got = await within(kernel.dot(q, y, rows), ms, 'dot');
  } catch (e) {
    return { op: 'dot', ok: false, detail: `threw ${describeError(e)}` };
  }
  if (!(got instanceof Float32Array))
    return {
      op: 'dot',
      ok: false,
      detail: `returned ${Object.prototype.toString.call(got)}, not a Float32Array`,
    };
  if (got.length !== rows)
    return { op: 'dot', ok: false, detail: `returned ${got.length} values, expected ${rows} (one per row)` };
  const tol = format.spec.tolerance.dot ?? { bitExact: true };
  const scale = absDots(format, q, y, rows);
  let exact = true;
  for (let r = 0; r < rows; r++) {
    const e = Math.fround(expected[r]!);
    const g = got[r]!;
    if (Object.is(e, g) || (Number.isNaN(e) && Number.isNaN(g))) continue;
    exact = false;
    const allowed = tol.bitExact ? 0 : (tol.absolute ?? 0) + (tol.relative ?? 0) * scale[r]!;
    if (!(Math.abs(g - e) <= allowed)) {
      return {
        op: 'dot',
        ok: false,
        mismatch: {
          index: r,
          block: -1,
          row: r,
          offsetInBlock: -1,
          expected: e,
          got: g,
          ulp: ulpDistance(e, g),
          count: 1,
        },
        detail: `row ${r}: |got − expected| = ${Math.abs(g - e)} > allowed ${allowed}`,
      };
    }
  }
  return { op: 'dot', ok: true, detail: exact ? 'bit-exact' : 'within tolerance' };
}

async function conformDot(
  traits: KernelTraits,
  kernel: DotKernel,
  format: Format,
  o: Required<ConformOptions>,
): Promise<ConformCase[]> {
  const cases: ConformCase[] = [];
  const ref = format.reference;
  if (!ref.dot && !format.spec.tolerance.dot) return cases;
  const refDot = ref.dot ?? floatDot(format);
  for (const blocks of DOT_BLOCK_COUNTS.filter((b) => b <= o.maxBlocks)) {
    const n = blocks * format.blockElements;
    const name = `${DOT_ROWS} rows × ${blocks} blocks`;
    const supported = traits.supports({ n, rows: DOT_ROWS });
    if (supported !== true) {
      cases.push(skippedCase(format, name, 'dot', supported));
      continue;
    }
    let q: Uint8Array;
    try {
      q = encodeForSuite(format, sampleInput(n * DOT_ROWS, SEED + blocks), { nPerRow: n });
    } catch (e) {
      cases.push(
        skippedCase(
          format,
          name,
          'dot',
          `the reference cannot encode ${DOT_ROWS} rows of ${n} (${describeError(e)})`,
        ),
      );
      continue;
    }
    const y = generate({ kind: 'gaussian' }, n, SEED + 1000 + blocks);
    const rowBytes = blocks * format.blockBytes;
    // side info outside the blocks (nvfp4_torchao's tensor scale, ifairy's scales, nf4_dq's absmax2, mwq's scales and
    // planes): shared by rows, so a row is not a tensor on its own and the expected dot comes from the
    // whole matrix's decode
    const header = q.byteLength - DOT_ROWS * rowBytes;
    const expected =
      header === 0
        ? Array.from({ length: DOT_ROWS }, (_, r) => refDot(q.subarray(r * rowBytes, (r + 1) * rowBytes), y))
        : ref.dot
          ? undefined
          : floatDotRows(format, q, y, DOT_ROWS);
    if (!expected) {
      cases.push(
        skippedCase(
          format,
          name,
          'dot',
          `a ${header}-byte tensor header shared by the rows: the reference dot takes one row`,
        ),
      );
      continue;
    }
    const qq = blocks === 7 ? atOddOffset(q) : q;
    cases.push({
      format: format.id,
      case: blocks === 7 ? `${name} at odd byteOffset` : name,
      checks: [await dotCheck(kernel, format, qq, y, DOT_ROWS, expected, o.timeoutMs)],
    });
  }
  if (!o.golden) return cases;
  // ggml's vec_dot folder: x quantized rows, y activations, ggml's CPU results (checked within tolerance)
  for (const dir of goldenFolders(format)) {
    const manifest = readGoldenManifest(dir);
    if (manifest['kind'] !== 'vec_dot' || !Array.isArray(manifest['cases'])) continue;
    for (const c of manifest['cases'] as Record<string, unknown>[]) {
      if (c['x_type'] !== format.id) continue;
      const rows = typeof c['nrows'] === 'number' ? c['nrows'] : 1;
      const n = c['n'];
      const results = c['ggml_cpu_vec_dot'];
      if (typeof n !== 'number' || !Array.isArray(results)) continue;
      const expected = results.map((r: { value?: unknown }) =>
        typeof r?.value === 'number' ? r.value : Number.NaN,
      );
      const name = `golden ${dir.slice(goldenRoot.length)}/${format.id} (ggml CPU vec_dot)`;
      // every row has its own activation row (y is nrows × n): one single-row dot per row
      const rowBytes = (n / format.blockElements) * format.blockBytes;
      const q = readChecked(dir, c, 'x_q', rows * rowBytes);
      const yb = readChecked(dir, c, 'y_in', rows * n * 4);
      const y = new Float32Array(yb.buffer.slice(yb.byteOffset, yb.byteOffset + yb.byteLength));
      for (let r = 0; r < rows; r++) {
        const check = await dotCheck(
          kernel,
          format,
          q.subarray(r * rowBytes, (r + 1) * rowBytes),
          y.subarray(r * n, (r + 1) * n),
          1,
          [expected[r]!],
          o.timeoutMs,
        );
        cases.push({ format: format.id, case: `${name} row ${r}`, checks: [check] });
      }
    }
  }
  return cases;
}

export async function conformKernel(
  traits: KernelTraits,
  format: Format,
  options: ConformOptions = {},
  loaded?: Kernel,
): Promise<KernelConformance> {
  const o: Required<ConformOptions> = {
    timeoutMs: options.timeoutMs ?? 30_000,
    golden: options.golden ?? true,
    maxBlocks: options.maxBlocks ?? 257,
  };
  const base = { kernel: traits.id, format: traits.format, op: traits.op, backend: traits.backend };
  let kernel: Kernel;
  try {
    kernel = loaded ?? (await traits.load());
  } catch (e) {
    return { ...base, cases: [], ok: false, error: `could not load: ${describeError(e)}` };
  }
  let cases: ConformCase[];
  if (traits.op === 'decode' && 'decode' in kernel) cases = await conformDecode(traits, kernel, format, o);
  else if (traits.op === 'dot' && 'dot' in kernel) cases = await conformDot(traits, kernel, format, o);
  else if (traits.op === 'encode' && 'encode' in kernel)
    cases = await conformEncode(traits, kernel, format, o);
  else return { ...base, cases: [], ok: false, error: `the loaded kernel has no ${traits.op}() method` };
  const ran = cases.filter((c) => c.checks.some((k) => k.skipped === undefined));
  const ok = ran.length > 0 && cases.every((c) => c.checks.every((k) => k.ok || k.skipped !== undefined));
  return {
    ...base,
    cases,
    ok,
    ...(ran.length === 0
      ? { skipped: cases[0]?.checks[0]?.skipped ?? `no case applies to ${traits.op}` }
      : {}),
  };
}

/** One line per failing case, for test failure messages and the CLI. */
export function summarizeFailures(r: KernelConformance): string[] {
  const lines: string[] = [];
  if (r.error) lines.push(`${r.kernel}: ${r.error}`);
  for (const c of r.cases) {
    for (const k of c.checks) {
      if (k.ok || k.skipped !== undefined) continue;
      const m = k.mismatch;
      const where = m
        ? `${m.row !== undefined && m.block < 0 ? `row ${m.row}` : `index ${m.index} (block ${m.block}, offset ${m.offsetInBlock})`}: expected ${m.expected}, got ${m.got}${m.ulp !== undefined && Number.isFinite(m.ulp) ? `, ${m.ulp} ulp` : ''}; ${m.count} differ`
        : '';
      lines.push(`${r.kernel} ${c.case}: ${[where, k.detail].filter(Boolean).join('; ')}`);
    }
  }
  return lines;
}
