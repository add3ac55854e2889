/**
 * What the gguf property tests share: the QbenchError a call throws, byte equality, and the properties every
 * reference codec has (round trip within the spec bound on N(0,1), determinism, idempotence where the spec
 * promises it, the imatrix path taken exactly where ggml reads one, whole-block lengths and NaN rejected with
 * errors that name the problem). A type whose spec requires an importance matrix (params.requiresImatrix) is
 * encoded with the suites' uniform one (core's encodeOptionsFor) and refuses to encode without it; a lossless
 * spec (roundTrip.lossless, f32) round-trips with error 0 and identical bytes. A test file calls `itHasCodecProperties` inside its `describe.each` and adds
 * what is particular to its types.
 */
import {
  type EncodeOptions,
  encodeOptionsFor,
  FORMAT_SPECS,
  type Format,
  generate,
  loadFormat,
  nmse,
  qbenchErrorOf,
  type ResolvedSpec,
  readsImatrix,
  requiresImatrix,
} from '@qbench/core';
import { expect, it } from 'vitest';

/** The QbenchError a call throws (core's qbenchErrorOf, under the name these tests use). */
export const thrown = qbenchErrorOf;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The row the shared properties encode: 4096 N(0,1) values (seed 31337), a whole number of blocks of every type. */
export const PROPERTY_N = 4 * 1024;
export const propertyRow = (): Float32Array => generate({ kind: 'gaussian' }, PROPERTY_N, 31337);

/** The options the properties encode `n` elements of `f` with: the suites' imatrix policy (all ones where required). */
export function propertyOptions(f: Format, n: number, options: EncodeOptions = {}): EncodeOptions {
  return encodeOptionsFor(f, n, options).options;
}

/**
 * Asserts decode(encode(x)) of `f` within `bound` (NMSE) and above 0, or, for a lossless spec
 * (roundTrip.lossless), error exactly 0 with the decoded bytes identical to x's.
 */
export function expectRoundTrip(f: Format, x: Float32Array, bound: number): void {
  const n = x.length;
  const y = f.reference.decode(f.reference.encode(x, propertyOptions(f, n)), n);
  const err = nmse(x, y);
  if (f.spec.tolerance.roundTrip!.lossless) {
    expect(err).toBe(0);
    expect(
      bytesEqual(
        new Uint8Array(y.buffer, y.byteOffset, y.byteLength),
        new Uint8Array(x.buffer, x.byteOffset, x.byteLength),
      ),
    ).toBe(true);
  } else {
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(bound);
  }
}

/**
 * Registers the properties every reference codec shares, for format `id`. properties.test.ts calls it for
 * every gguf format in the registry; the imatrix behaviour, which differs by type, is itHandlesImatrix.
 */
export function itHasCodecProperties(id: string): void {
  const n = PROPERTY_N;
  const x = propertyRow();
  const load = (): Promise<Format> => loadFormat(id);
  const spec = (FORMAT_SPECS as Readonly<Record<string, ResolvedSpec | undefined>>)[id];
  if (!spec) throw new Error(`itHasCodecProperties: '${id}' is not in the registry`);
  const lossless = spec.tolerance.roundTrip?.lossless === true;
  const needsImatrix = requiresImatrix({ spec });
  const blockOne = spec.layout.blockElements === 1;

  it(
    lossless
      ? 'round-trips N(0,1) losslessly (error 0, bytes identical; the spec says roundTrip.lossless)'
      : 'round-trips N(0,1) within the spec NMSE bound',
    async () => {
      const f = await load();
      expectRoundTrip(f, x, f.spec.tolerance.roundTrip!.maxNmse);
    },
  );

  it(
    needsImatrix
      ? 'encodes deterministically, and with the uniform imatrix block by block (any whole-block row length agrees)'
      : 'encodes deterministically, and without an imatrix block by block (any whole-block row length agrees)',
    async () => {
      const f = await load();
      const a = f.reference.encode(x, propertyOptions(f, n));
      expect(bytesEqual(a, f.reference.encode(x.slice(), propertyOptions(f, n)))).toBe(true);
      const perBlock = propertyOptions(f, n, { nPerRow: f.blockElements });
      expect(bytesEqual(a, f.reference.encode(x, perBlock))).toBe(true);
      expect(a.length).toBe((n / f.blockElements) * f.blockBytes);
    },
  );

  it('is idempotent exactly when the spec says so', async () => {
    const f = await load();
    const q = f.reference.encode(x, propertyOptions(f, n));
    const decoded = f.reference.decode(q, n);
    const again = f.reference.encode(decoded, propertyOptions(f, n));
    if (f.spec.tolerance.roundTrip!.idempotent) {
      expect(bytesEqual(q, again)).toBe(true);
    } else {
      // Not byte-stable, but re-encoding the decoded row stays within the round-trip bound of it.
      expect(nmse(decoded, f.reference.decode(again, n))).toBeLessThan(f.spec.tolerance.roundTrip!.maxNmse);
    }
  });

  it.skipIf(blockOne)(
    blockOne
      ? 'rejects lengths that are not whole blocks: does not apply, the block is 1 element so every length is whole (decode still checks the byte count, below)'
      : 'rejects lengths that are not whole blocks, naming the type, expected and got',
    async () => {
      const f = await load();
      const be = f.blockElements;
      const e1 = thrown(() => f.reference.encode(new Float32Array(be + 1), propertyOptions(f, be + 1)));
      expect(e1.code).toBe('codec.length');
      expect(e1.message).toContain(id);
      expect(e1.message).toContain(`${be + 1}`);
      expect(e1.message).toContain(`${be}`);
    },
  );

  it('rejects byte counts that are not whole blocks on decode, naming the type, expected and got', async () => {
    const f = await load();
    const be = f.blockElements;
    const e2 = thrown(() => f.reference.decode(new Uint8Array(f.blockBytes - 1), be));
    expect(e2.code).toBe('codec.bytes');
    expect(e2.details).toMatchObject({ format: id, expected: f.blockBytes, got: f.blockBytes - 1 });
  });

  it(
    needsImatrix
      ? 'rejects NaN by default, naming the element, before asking for the imatrix it requires'
      : 'rejects NaN by default, naming the element',
    async () => {
      const f = await load();
      // At least 18 elements (index 17), whole blocks: one block, or 32 elements of a 1-element block.
      const len = Math.ceil(32 / f.blockElements) * f.blockElements;
      const bad = x.slice(0, len);
      bad[17] = Number.NaN;
      for (const options of [propertyOptions(f, len), {}]) {
        const e = thrown(() => f.reference.encode(bad, options));
        expect(e.code).toBe('codec.nonfinite');
        expect(e.message).toContain(id);
        expect(e.details).toMatchObject({ index: 17 });
      }
    },
  );

  if (needsImatrix) {
    it('refuses to encode without the importance matrix its spec requires (codec.imatrix-required)', async () => {
      const f = await load();
      const e = thrown(() => f.reference.encode(x));
      expect(e.code).toBe('codec.imatrix-required');
      expect(e.message).toContain(id);
      expect(e.details).toMatchObject({ format: id });
    });
  }
}

/**
 * The imatrix path taken exactly where the spec says ggml's quantizer reads one (`readsImatrix`, which the
 * oracle's chunk_imatrix path checks against ggml) and ignored elsewhere; a type that requires one encodes
 * differently under a non-uniform matrix than under the uniform one.
 */
export function itHandlesImatrix(id: string): void {
  const n = PROPERTY_N;
  const x = propertyRow();
  const spec = (FORMAT_SPECS as Readonly<Record<string, ResolvedSpec | undefined>>)[id];
  if (!spec) throw new Error(`itHandlesImatrix: '${id}' is not in the registry`);
  const ones = new Float32Array(n).fill(1);
  if (requiresImatrix({ spec })) {
    it('takes the imatrix it requires (a non-uniform matrix differs from the uniform one)', async () => {
      const f = await loadFormat(id);
      const ramp = Float32Array.from({ length: n }, (_, j) => 1 + (j % 7));
      const uniform = f.reference.encode(x, { imatrix: ones, nPerRow: n });
      const weighted = f.reference.encode(x, { imatrix: ramp, nPerRow: n });
      expect(bytesEqual(uniform, weighted)).toBe(false);
    });
    return;
  }
  const reads = readsImatrix({ spec });
  it(reads ? 'takes the imatrix path (all-ones differs from none)' : 'ignores the imatrix', async () => {
    const f = await loadFormat(id);
    const plain = f.reference.encode(x);
    const weighted = f.reference.encode(x, { imatrix: ones, nPerRow: n });
    expect(bytesEqual(plain, weighted)).toBe(!reads);
  });
}
