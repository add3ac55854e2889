import { isQbenchError } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { type PvqOrder, Pyramid } from './cwrs.ts';

function all(p: Pyramid, order: PvqOrder): number[][] {
  const out: number[][] = [];
  for (let i = 0n; i < p.size; i++) out.push([...p.decode(i, order)]);
  return out;
}

describe('pyramid enumeration', () => {
  it('CWRS order of (N=2,K=2) is libopus’, and Fischer’s indices are the documented permutation', () => {
    const p = new Pyramid(2, 2);
    const cwrs = all(p, 'cwrs');
    expect(cwrs).toEqual([
      [2, 0],
      [1, 1],
      [1, -1],
      [0, 2],
      [0, -2],
      [-2, 0],
      [-1, 1],
      [-1, -1],
    ]);
    expect(cwrs.map((y) => Number(p.encode(y, 'fischer')))).toEqual([6, 2, 3, 0, 1, 7, 4, 5]);
    expect([...p.decode(0n, 'fischer')]).toEqual([0, 2]);
    expect([...p.decode(7n, 'fischer')]).toEqual([-2, 0]);
  });

  it('both orders are bijections onto [0, V) with every codeword of L1 norm K', () => {
    for (const [n, k] of [
      [1, 3],
      [3, 4],
      [4, 3],
      [5, 5],
      [7, 2],
      [2, 9],
    ] as const) {
      const p = new Pyramid(n, k);
      for (const order of ['cwrs', 'fischer'] as const) {
        const seen = new Set<string>();
        for (let i = 0n; i < p.size; i++) {
          const y = p.decode(i, order);
          expect(y.reduce((s, v) => s + Math.abs(v), 0)).toBe(k);
          expect(p.encode(y, order)).toBe(i);
          seen.add(y.join(','));
        }
        expect(seen.size).toBe(Number(p.size));
      }
    }
  });

  it('round-trips indices past 2^64 in both orders', () => {
    const p = new Pyramid(64, 64);
    for (const i of [0n, 1n, p.size / 3n, p.size / 2n, p.size - 2n, p.size - 1n]) {
      for (const order of ['cwrs', 'fischer'] as const) expect(p.encode(p.decode(i, order), order)).toBe(i);
    }
  });

  it('rejects an index ≥ V, a wrong L1 norm, a wrong length and non-integers, naming them', () => {
    const p = new Pyramid(4, 3);
    const err = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        expect(isQbenchError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('expected a QbenchError');
    };
    expect(err(() => p.decode(88n))).toMatch(/index 88 is outside \[0, V\(4,3\) = 88\)/);
    expect(err(() => p.decode(-1, 'fischer'))).toMatch(/index -1/);
    expect(err(() => p.encode([1, 1, 0, 0]))).toMatch(/L1 norm 2, expected K=3/);
    expect(err(() => p.encode([3, 0, 0]))).toMatch(/3 coordinates, expected N=4/);
    expect(err(() => p.encode([1.5, 1.5, 0, 0]))).toMatch(/coordinate 0 is 1.5/);
  });
});
