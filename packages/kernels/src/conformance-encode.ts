/**
 * The harness's encode cases: a kernel that quantizes float32 into the format's bytes is held to the
 * reference encoder on the same inputs — block counts 1, 2, 3, 7, 31, 33, 257 of seeded data with outliers,
 * and one tensor of corner blocks (zeros, constants, −0.0 in a one-signed block, float32 subnormals, 1e30
 * magnitudes, a single non-zero, values of ~1e-20). Where the spec says encode is bitExact the bytes must be
 * identical; otherwise the two encodings must decode to the same values within tolerance.encode.maxUlp.
 * A mismatch names the first differing block and byte and counts the differing blocks.
 */
import {
  type ConformCase,
  type ConformCheck,
  type EncodeKernel,
  type Format,
  type KernelTraits,
  ulpDistance,
} from '@qbench/core';
import { describeError, SEED, sampleInput, within } from './harness-util.ts';

interface EncodeOptions {
  timeoutMs: number;
  maxBlocks: number;
}

const COUNTS = [1, 2, 3, 7, 31, 33, 257] as const;

/** The corner blocks, each with the generator kind (packages/ggml-native's oracle) it is an instance of. */
const CORNERS: readonly { label: string; kind?: string; f: (i: number, be: number) => number }[] = [
  { label: 'zeros', f: () => 0 },
  { label: 'constants', f: () => 1 },
  { label: '−0.0', f: (i) => (i === 0 ? -0 : -1) },
  { label: '−0.0 in a ramp', f: (i, be) => (i % 3 === 0 ? -0 : (i + 1) / be) },
  { label: 'subnormals', f: (i, be) => (i - be / 2) * 1e-40 },
  { label: '1e30', kind: 'huge', f: (i) => (i % 2 ? 1e30 : -3e29) * ((i % 7) + 1) },
  { label: 'sparse', f: (i) => (i === 5 ? 2.5 : 0) },
  { label: '1e-20', f: (i) => Math.sin(i + 1) * 1e-20 },
];

/** The input kinds on which the spec says ggml's quantizer aborts the process (params.ggmlEncodeAborts.blocks). */
export function ggmlAbortKinds(format: Format): readonly string[] {
  const a = format.spec.params?.['ggmlEncodeAborts'] as { blocks?: unknown } | undefined;
  return Array.isArray(a?.blocks) ? a.blocks.filter((k): k is string => typeof k === 'string') : [];
}

/**
 * One block each of the inputs where quantizers' edge cases live (finite values only), less the blocks of
 * the kinds in `omit` (where ggml's quantizer aborts: a native kernel would take the process down).
 */
export function cornerBlocks(blockElements: number, omit: readonly string[] = []): Float32Array {
  const rows = CORNERS.filter((c) => c.kind === undefined || !omit.includes(c.kind));
  const x = new Float32Array(rows.length * blockElements);
  rows.forEach((c, b) => {
    for (let i = 0; i < blockElements; i++) x[b * blockElements + i] = c.f(i, blockElements);
  });
  return x;
}

/** The corner case's name: the blocks it holds, and the ones left out with the reason. */
export function cornerCaseName(omit: readonly string[] = []): string {
  const kept = CORNERS.filter((c) => c.kind === undefined || !omit.includes(c.kind));
  const left = CORNERS.filter((c) => c.kind !== undefined && omit.includes(c.kind));
  const labels = ['zeros', 'constants', '−0.0', 'subnormals', '1e30', 'sparse', '1e-20'].filter((l) =>
    kept.some((c) => c.label === l),
  );
  return `corner blocks (${labels.join(', ')})${
    left.length
      ? `; without ${left.map((c) => `${c.label} ('${c.kind}')`).join(', ')}: the spec's ggmlEncodeAborts says ggml's quantizer aborts on it`
      : ''
  }`;
}

function compareBytes(format: Format, x: Float32Array, expected: Uint8Array, got: Uint8Array): ConformCheck {
  if (got.length !== expected.length)
    return { op: 'encode', ok: false, detail: `returned ${got.length} bytes, expected ${expected.length}` };
  const bb = format.blockBytes;
  const header = expected.length - (x.length / format.blockElements) * bb;
  const blockOf = (i: number) => Math.max(0, Math.floor((i - header) / bb));
  let first = -1;
  const blocks = new Set<number>();
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === got[i]) continue;
    if (first < 0) first = i;
    blocks.add(blockOf(i));
  }
  if (first < 0) return { op: 'encode', ok: true, detail: 'bit-exact' };
  const tol = format.spec.tolerance.encode;
  if (!tol.bitExact) {
    // bytes may differ where the spec allows it: the two encodings must decode alike within maxUlp
    const a = format.reference.decode(expected, x.length);
    const b = format.reference.decode(got, x.length);
    const maxUlp = tol.maxUlp ?? 0;
    let bad = -1;
    for (let i = 0; i < a.length && bad < 0; i++)
      if (!(Number.isNaN(a[i]!) && Number.isNaN(b[i]!)) && ulpDistance(a[i]!, b[i]!) > maxUlp) bad = i;
    if (bad < 0)
      return { op: 'encode', ok: true, detail: `bytes differ in ${blocks.size} blocks, decodes agree` };
  }
  const block = blockOf(first);
  const total = x.length / format.blockElements;
  return {
    op: 'encode',
    ok: false,
    mismatch: {
      index: first,
      block,
      offsetInBlock: first - header - block * bb,
      expected: expected[first]!,
      got: got[first]!,
      count: blocks.size,
    },
    detail: `${blocks.size} of ${total} blocks differ; first at block ${block}, byte ${first - header - block * bb} (0x${expected[first]!.toString(16)} expected, 0x${got[first]!.toString(16)} got)`,
  };
}

export async function conformEncode(
  traits: KernelTraits,
  kernel: EncodeKernel,
  format: Format,
  o: EncodeOptions,
): Promise<ConformCase[]> {
  const cases: ConformCase[] = [];
  const one = async (name: string, x: Float32Array) => {
    const skip = (why: string) =>
      cases.push({ format: format.id, case: name, checks: [{ op: 'encode', ok: false, skipped: why }] });
    const supported = traits.supports({ n: x.length });
    if (supported !== true) return skip(supported);
    let expected: Uint8Array;
    try {
      expected = format.reference.encode(x);
    } catch (e) {
      return skip(`the reference rejects this input (${describeError(e)})`);
    }
    let check: ConformCheck;
    try {
      const got = await within(kernel.encode(x), o.timeoutMs, 'encode');
      check =
        got instanceof Uint8Array
          ? compareBytes(format, x, expected, got)
          : {
              op: 'encode',
              ok: false,
              detail: `returned ${Object.prototype.toString.call(got)}, not a Uint8Array`,
            };
    } catch (e) {
      check = { op: 'encode', ok: false, detail: `threw ${describeError(e)}` };
    }
    cases.push({ format: format.id, case: name, checks: [check] });
  };
  for (const blocks of COUNTS.filter((b) => b <= o.maxBlocks))
    await one(`blocks=${blocks}`, sampleInput(blocks * format.blockElements, SEED + blocks));
  const omit = ggmlAbortKinds(format);
  await one(cornerCaseName(omit), cornerBlocks(format.blockElements, omit));
  return cases;
}
