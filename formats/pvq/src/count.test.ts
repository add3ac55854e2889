import { describe, expect, it } from 'vitest';
import { countClosedForm, countRecurrence, indexBits, pyramidCount, UTable } from './count.ts';

describe('V(N,K) = |{y ∈ Z^N : Σ|y| = K}|', () => {
  it('matches the libopus cwrs.c comment table for N < 10, K < 10', () => {
    const rows: Record<number, number[]> = {
      2: [1, 4, 8, 12, 16, 20, 24, 28, 32, 36],
      3: [1, 6, 18, 38, 66, 102, 146, 198, 258, 326],
      4: [1, 8, 32, 88, 192, 360, 608, 952, 1408, 1992],
      8: [1, 16, 128, 688, 2816, 9424, 27008, 68464, 157184, 332688],
      9: [1, 18, 162, 978, 4482, 16722, 53154, 148626, 374274, 864146],
    };
    for (const [n, vs] of Object.entries(rows)) {
      expect(vs.map((_, k) => Number(pyramidCount(Number(n), k)))).toEqual(vs);
    }
    expect(pyramidCount(3, 4)).toBe(66n); // Fischer Fig. 1
  });

  it('recurrence, closed form and U(N,K)+U(N,K+1) agree, including far past 2^53', () => {
    const u = new UTable(64, 64);
    for (let n = 1; n <= 64; n += 3) {
      for (let k = 0; k <= 64; k += 5) {
        const r = countRecurrence(n, k);
        expect(countClosedForm(n, k)).toBe(r);
        expect(u.v(n, k)).toBe(r);
      }
    }
    expect(countRecurrence(256, 256)).toBe(countClosedForm(256, 256));
    expect(pyramidCount(32, 32)).toBe(186268135991213676920832n);
    expect(pyramidCount(32, 32) > 2n ** 53n).toBe(true);
  });

  it('U is symmetric and V(N,K) = Σ over the first coordinate', () => {
    const u = new UTable(20, 20);
    for (let n = 0; n <= 20; n++) for (let k = 0; k <= 20; k++) expect(u.u(n, k)).toBe(u.u(k, n));
    // V(N,K) = V(N−1,K) + 2·Σ_{a=1..K} V(N−1,K−a): split on the first coordinate's value.
    for (let n = 2; n <= 12; n++) {
      for (let k = 1; k <= 12; k++) {
        let s = pyramidCount(n - 1, k);
        for (let a = 1; a <= k; a++) s += 2n * pyramidCount(n - 1, k - a);
        expect(pyramidCount(n, k)).toBe(s);
      }
    }
  });

  it('fixed-length index bits are ⌈log2 V⌉', () => {
    expect(indexBits(2, 1)).toBe(2); // V = 4
    expect(indexBits(3, 1)).toBe(3); // V = 6
    expect(indexBits(1, 5)).toBe(1); // V = 2
    expect(indexBits(32, 41)).toBe(88);
    expect(indexBits(32, 87)).toBe(120);
  });

  it('rejects N or K out of range with the offending value', () => {
    expect(() => pyramidCount(0, 3)).toThrow(/dimension N .* got 0/);
    expect(() => pyramidCount(4, -1)).toThrow(/pulse count K .* got -1/);
    expect(() => pyramidCount(4, 1.5)).toThrow(/got 1.5/);
    expect(() => new UTable(4, 100000)).toThrow(/got 100000/);
  });
});
