/**
 * What the gguf property tests share: the QbenchError a call throws, byte equality, and the properties every
 * reference codec has (round trip within the spec bound on N(0,1), determinism, idempotence where the spec
 * promises it, the imatrix path taken exactly where ggml reads one, whole-block lengths and NaN rejected with
 * errors that name the problem). A test file calls `itHasCodecProperties` inside its `describe.each` and adds
 * what is particular to its types.
 */
import { type Format, generate, loadFormat, nmse, qbenchErrorOf } from '@qbench/core';
import { expect, it } from 'vitest';

/** The QbenchError a call throws (core's qbenchErrorOf, under the name these tests use). */
export const thrown = qbenchErrorOf;

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The row the shared properties encode: 4096 N(0,1) values (seed 31337), a whole number of blocks of every type. */
export const PROPERTY_N = 4 * 1024;
export const propertyRow = (): Float32Array => generate({ kind: 'gaussian' }, PROPERTY_N, 31337);

/**
 * Registers the properties every reference codec shares, for format `id`. properties.test.ts calls it for
 * every gguf format in the registry; the imatrix behaviour, which differs by type, is itHandlesImatrix.
 */
export function itHasCodecProperties(id: string): void {
  const n = PROPERTY_N;
  const x = propertyRow();
  const load = (): Promise<Format> => loadFormat(id);

  it('round-trips N(0,1) within the spec NMSE bound', async () => {
    const f = await load();
    const bound = f.spec.tolerance.roundTrip!.maxNmse;
    const err = nmse(x, f.reference.decode(f.reference.encode(x), n));
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(bound);
  });

  it('encodes deterministically, and without an imatrix block by block (any whole-block row length agrees)', async () => {
    const f = await load();
    const a = f.reference.encode(x);
    expect(bytesEqual(a, f.reference.encode(x.slice()))).toBe(true);
    expect(bytesEqual(a, f.reference.encode(x, { nPerRow: f.blockElements }))).toBe(true);
    expect(a.length).toBe((n / f.blockElements) * f.blockBytes);
  });

  it('is idempotent exactly when the spec says so', async () => {
    const f = await load();
    const q = f.reference.encode(x);
    const decoded = f.reference.decode(q, n);
    const again = f.reference.encode(decoded);
    if (f.spec.tolerance.roundTrip!.idempotent) {
      expect(bytesEqual(q, again)).toBe(true);
    } else {
      // Not byte-stable, but re-encoding the decoded row stays within the round-trip bound of it.
      expect(nmse(decoded, f.reference.decode(again, n))).toBeLessThan(f.spec.tolerance.roundTrip!.maxNmse);
    }
  });

  it('rejects lengths that are not whole blocks, naming the type, expected and got', async () => {
    const f = await load();
    const be = f.blockElements;
    const e1 = thrown(() => f.reference.encode(new Float32Array(be + 1)));
    expect(e1.code).toBe('codec.length');
    expect(e1.message).toContain(id);
    expect(e1.message).toContain(`${be + 1}`);
    expect(e1.message).toContain(`${be}`);
    const e2 = thrown(() => f.reference.decode(new Uint8Array(f.blockBytes - 1), be));
    expect(e2.code).toBe('codec.bytes');
    expect(e2.details).toMatchObject({ format: id, expected: f.blockBytes, got: f.blockBytes - 1 });
  });

  it('rejects NaN by default, naming the element', async () => {
    const f = await load();
    const bad = x.slice(0, f.blockElements);
    bad[17] = Number.NaN;
    const e = thrown(() => f.reference.encode(bad));
    expect(e.code).toBe('codec.nonfinite');
    expect(e.message).toContain(id);
    expect(e.details).toMatchObject({ index: 17 });
  });
}

/** The imatrix path taken exactly where ggml has one for type `id` (`readsImatrix`), and ignored elsewhere. */
export function itHandlesImatrix(id: string, readsImatrix: boolean): void {
  const n = PROPERTY_N;
  const x = propertyRow();
  const load = (): Promise<Format> => loadFormat(id);

  it(
    readsImatrix ? 'takes the imatrix path (all-ones differs from none)' : 'ignores the imatrix',
    async () => {
      const f = await load();
      const ones = new Float32Array(n).fill(1);
      const plain = f.reference.encode(x);
      const weighted = f.reference.encode(x, { imatrix: ones, nPerRow: n });
      expect(bytesEqual(plain, weighted)).toBe(!readsImatrix);
    },
  );
}
