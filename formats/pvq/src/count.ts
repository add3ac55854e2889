/**
 * Counting points of the integer pyramid S(N,K) = { y ∈ Z^N : Σ|y_i| = K }.
 *
 * V(N,K) (libopus' name) is Fischer's N(L=N,K). It grows past 2^53 quickly (V(32,32) ≈ 1.9e23), so every
 * count is a BigInt. Three independent derivations live here and a test holds them to each other:
 *   - Fischer's recurrence N(L,K) = N(L−1,K) + N(L−1,K−1) + N(L,K−1), N(l,0) = 1, N(0,k≥1) = 0;
 *   - the closed form Σ_{i=1..min(N,K)} 2^i·C(N,i)·C(K−1,i−1);
 *   - libopus' U table: V(N,K) = U(N,K) + U(N,K+1) (celt/cwrs.c).
 */
import { QbenchError } from '@qbench/core';

/** Largest dimension and pulse count the family accepts (a guard against runaway tables, not a law). */
export const MAX_N = 1024;
export const MAX_K = 4096;

export function checkNK(n: number, k: number, what = 'pvq'): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_N) {
    throw new QbenchError('pvq.range', `${what}: dimension N must be an integer in 1..${MAX_N}, got ${n}`, {
      N: n,
    });
  }
  if (!Number.isInteger(k) || k < 0 || k > MAX_K) {
    throw new QbenchError('pvq.range', `${what}: pulse count K must be an integer in 0..${MAX_K}, got ${k}`, {
      K: k,
    });
  }
}

/**
 * libopus' auxiliary count U(n,k) for 0 ≤ n ≤ N, 0 ≤ k ≤ K+1 (U(0,0)=1, U(0,k>0)=0, U(n>0,0)=0,
 * U(n,k) = U(n−1,k) + U(n,k−1) + U(n−1,k−1)); U(n,k+1) is the number of codewords of S(n,k) whose first
 * coordinate is non-negative, which is what the CWRS order is built from. Built once per (N,K) and
 * reused by encode and decode.
 */
export class UTable {
  readonly n: number;
  readonly k: number;
  private readonly rows: bigint[][];

  constructor(n: number, k: number) {
    checkNK(n, k, 'UTable');
    this.n = n;
    this.k = k;
    const rows: bigint[][] = [];
    const width = k + 2;
    const r0: bigint[] = new Array<bigint>(width).fill(0n);
    r0[0] = 1n;
    rows.push(r0);
    for (let i = 1; i <= n; i++) {
      const prev = rows[i - 1]!;
      const row: bigint[] = new Array<bigint>(width).fill(0n);
      for (let j = 1; j < width; j++) row[j] = prev[j]! + row[j - 1]! + prev[j - 1]!;
      rows.push(row);
    }
    this.rows = rows;
  }

  /** U(n,k); n ≤ this.n, k ≤ this.k + 1. */
  u(n: number, k: number): bigint {
    const v = this.rows[n]?.[k];
    if (v === undefined) {
      throw new QbenchError(
        'pvq.range',
        `U(${n},${k}) is outside the table built for N=${this.n}, K=${this.k}`,
      );
    }
    return v;
  }

  /** V(n,k) = U(n,k) + U(n,k+1); n ≤ this.n, k ≤ this.k. */
  v(n: number, k: number): bigint {
    return this.u(n, k) + this.u(n, k + 1);
  }
}

/** Fischer's table N(l,k) for 0 ≤ l ≤ L, 0 ≤ k ≤ K, built by his recurrence. rows[l][k]. */
export function fischerTable(l: number, k: number): bigint[][] {
  checkNK(Math.max(l, 1), k, 'fischerTable');
  const rows: bigint[][] = [];
  const r0: bigint[] = new Array<bigint>(k + 1).fill(0n);
  r0[0] = 1n;
  rows.push(r0);
  for (let i = 1; i <= l; i++) {
    const prev = rows[i - 1]!;
    const row: bigint[] = new Array<bigint>(k + 1).fill(0n);
    row[0] = 1n;
    for (let j = 1; j <= k; j++) row[j] = prev[j]! + prev[j - 1]! + row[j - 1]!;
    rows.push(row);
  }
  return rows;
}

/** V(N,K) by Fischer's recurrence. */
export function countRecurrence(n: number, k: number): bigint {
  checkNK(n, k, 'countRecurrence');
  return fischerTable(n, k)[n]![k]!;
}

function binomial(n: number, r: number): bigint {
  if (r < 0 || r > n) return 0n;
  const m = Math.min(r, n - r);
  let c = 1n;
  // c·(n−m+i)/i stays an integer at every step (it is C(n−m+i, i)).
  for (let i = 1; i <= m; i++) c = (c * BigInt(n - m + i)) / BigInt(i);
  return c;
}

/** V(N,K) by the closed form Σ_{i=1..min(N,K)} 2^i·C(N,i)·C(K−1,i−1) (and V(N,0) = 1). */
export function countClosedForm(n: number, k: number): bigint {
  checkNK(n, k, 'countClosedForm');
  if (k === 0) return 1n;
  let s = 0n;
  for (let i = 1; i <= Math.min(n, k); i++) s += (1n << BigInt(i)) * binomial(n, i) * binomial(k - 1, i - 1);
  return s;
}

/** V(N,K), exact. */
export function pyramidCount(n: number, k: number): bigint {
  return countClosedForm(n, k);
}

/** Bits of a fixed-length index for the codebook: ⌈log2 V⌉ (0 when V = 1). */
export function indexBits(n: number, k: number): number {
  const v = pyramidCount(n, k);
  return (v - 1n).toString(2).length - (v === 1n ? 1 : 0);
}
