/** The container codecs (packing, lengths, errors). */
import { generate, loadFormat, qbenchErrorOf, type ResolvedSpec, sqnrDb } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { SPECS } from './generated/specs.ts';
import family from './index.ts';
import { packCodes, unpackCodes } from './packing.ts';

const spec = (id: string) => (SPECS as Record<string, ResolvedSpec>)[id]!;

const throwsQ = (f: () => unknown, re: RegExp): void => void expect(qbenchErrorOf(f).message).toMatch(re);

describe('packing', () => {
  it('worked example: width 6, [0x3F, 0x01, 0x00, 0x2A] → 7F 00 A8', () => {
    expect(Array.from(packCodes([0x3f, 0x01, 0x00, 0x2a], 6))).toEqual([0x7f, 0x00, 0xa8]);
    expect(Array.from(unpackCodes(Uint8Array.from([0x7f, 0x00, 0xa8]), 6, 4))).toEqual([
      0x3f, 0x01, 0x00, 0x2a,
    ]);
  });
  it('round-trips every width 1..16 on random codes, odd counts zero-padded', () => {
    const g = generate({ kind: 'uniform', lo: 0, hi: 1 }, 101, 5);
    for (let w = 1; w <= 16; w++) {
      const codes = Array.from(g, (u) => Math.floor(u * 2 ** w));
      const q = packCodes(codes, w);
      expect(q.length).toBe(Math.ceil((101 * w) / 8));
      expect(Array.from(unpackCodes(q, w, 101))).toEqual(codes);
    }
  });
  it('rejects codes that do not fit', () => {
    throwsQ(() => packCodes([16], 4), /code 0 is 16, which does not fit in 4 bits/);
    throwsQ(() => unpackCodes(new Uint8Array(1), 4, 3), /3 codes of 4 bits need 2 bytes/);
  });
});

describe('container codecs', () => {
  it('e2m1: element 0 in the low nibble (ONNX order); odd n padded', async () => {
    const f = await loadFormat('e2m1');
    const q = f.reference.encode(new Float32Array([6, -0.5, 1]));
    expect(Array.from(q)).toEqual([0x97, 0x02]);
    expect(f.reference.encodedBytes(3)).toBe(2);
    expect(Array.from(f.reference.decode(q, 3))).toEqual([6, -0.5, 1]);
  });
  it('e2m3: four codes in three bytes', async () => {
    const f = await loadFormat('e2m3');
    const x = new Float32Array([7.5, 0.125, -1, 0]);
    const q = f.reference.encode(x);
    expect(q.length).toBe(3);
    expect(Array.from(f.reference.decode(q, 4))).toEqual(Array.from(x));
  });
  it('non-finite input is rejected by default, naming the element; propagate applies the spec', async () => {
    const f = await loadFormat('e4m3fn');
    throwsQ(
      () => f.reference.encode(new Float32Array([1, Number.NaN])),
      /e4m3fn: element 1 \(block 1\) is NaN/,
    );
    expect(
      Array.from(f.reference.encode(new Float32Array([Infinity, Number.NaN]), { nonFinite: 'propagate' })),
    ).toEqual([0x7e, 0x7f]);
    throwsQ(() => f.reference.decode(new Uint8Array(3), 4), /4 elements need 4 bytes, got 3/);
  });
  it('round trips on N(0,1) stay inside the spec bounds (and decode∘encode is idempotent)', () => {
    const x = generate({ kind: 'gaussian' }, 1 << 16, 21);
    for (const id of ['e4m3fn', 'e4m3fnuz', 'e5m2', 'e5m2fnuz', 'e2m3', 'e3m2', 'e2m1', 'e8m0']) {
      const c = family.codec(spec(id));
      const q = c.encode(x);
      const y = c.decode(q, x.length);
      expect(10 ** (-sqnrDb(x, y) / 10), id).toBeLessThan(spec(id).tolerance.roundTrip!.maxNmse);
      const again = c.encode(y);
      let differ = 0;
      for (let i = 0; i < q.length; i++) if (again[i] !== q[i]) differ++;
      expect(differ, id).toBe(0);
    }
  });
});
