/**
 * Codeword enumeration of the pyramid S(N,K) in two orders, both exact bijections onto [0, V(N,K)):
 *
 *  - CWRS order (libopus celt/cwrs.c icwrs/cwrsi, canonical for qbench): coordinate 0 most significant,
 *    its values ordered +K, +(K−1), …, +1, 0, −K, …, −1. Written here from the closed form
 *      index(y) = [y_{N−1} < 0] + Σ_{j<N−1} ( U(N−j, K_{j+1}) + [y_j < 0]·U(N−j, K_j + 1) ),
 *    K_j = Σ_{t≥j} |y_t|, which gives the same numbers as icwrs' backward accumulation but in BigInt, so
 *    it works past libopus' 32-bit limit.
 *  - Fischer 1986 Sec. V order: x_1 most significant, values ordered 0, +1, −1, +2, −2, …; index 0 is
 *    (0,…,0,+K). His decoder's step 3 as printed omits adding N(l−1,k−j) for a negative coordinate; the
 *    decoder here includes it, which is what makes it the encoder's inverse.
 */
import { QbenchError } from '@qbench/core';
import { checkNK, fischerTable, UTable } from './count.ts';

export type PvqOrder = 'cwrs' | 'fischer';

function checkVector(y: ArrayLike<number>, n: number, k: number): void {
  if (y.length !== n) {
    throw new QbenchError('pvq.length', `pulse vector has ${y.length} coordinates, expected N=${n}`, {
      expected: n,
      got: y.length,
    });
  }
  let l1 = 0;
  for (let j = 0; j < n; j++) {
    const v = y[j]!;
    if (!Number.isInteger(v)) {
      throw new QbenchError('pvq.pulses', `pulse vector coordinate ${j} is ${v}, not an integer`, {
        index: j,
      });
    }
    l1 += Math.abs(v);
  }
  if (l1 !== k) {
    throw new QbenchError('pvq.l1', `pulse vector has L1 norm ${l1}, expected K=${k} (N=${n})`, {
      expected: k,
      got: l1,
    });
  }
}

function checkIndex(index: bigint, v: bigint, n: number, k: number): void {
  if (index < 0n || index >= v) {
    throw new QbenchError('pvq.index', `codeword index ${index} is outside [0, V(${n},${k}) = ${v})`, {
      index: index.toString(),
      V: v.toString(),
      N: n,
      K: k,
    });
  }
}

/** One pyramid S(N,K) with its count tables: encode/decode in either order. */
export class Pyramid {
  readonly n: number;
  readonly k: number;
  /** V(N,K) */
  readonly size: bigint;
  private readonly u: UTable;
  private fischer: bigint[][] | undefined;

  constructor(n: number, k: number) {
    checkNK(n, k, 'Pyramid');
    this.n = n;
    this.k = k;
    this.u = new UTable(n, k);
    this.size = this.u.v(n, k);
  }

  private fischerRows(): bigint[][] {
    this.fischer ??= fischerTable(this.n, this.k);
    return this.fischer;
  }

  encode(y: ArrayLike<number>, order: PvqOrder = 'cwrs'): bigint {
    checkVector(y, this.n, this.k);
    return order === 'cwrs' ? this.encodeCwrs(y) : this.encodeFischer(y);
  }

  decode(index: bigint | number, order: PvqOrder = 'cwrs', out = new Int32Array(this.n)): Int32Array {
    const i = typeof index === 'bigint' ? index : BigInt(index);
    checkIndex(i, this.size, this.n, this.k);
    if (out.length !== this.n) {
      throw new QbenchError('pvq.length', `output has ${out.length} coordinates, expected N=${this.n}`);
    }
    return order === 'cwrs' ? this.decodeCwrs(i, out) : this.decodeFischer(i, out);
  }

  private encodeCwrs(y: ArrayLike<number>): bigint {
    const n = this.n;
    const u = this.u;
    // Walk from the last coordinate backwards, carrying the suffix L1 norm K_j.
    let kSuffix = Math.abs(y[n - 1]!);
    let index = y[n - 1]! < 0 ? 1n : 0n;
    for (let j = n - 2; j >= 0; j--) {
      const d = n - j;
      index += u.u(d, kSuffix); // codewords whose coordinate j is larger than |y_j| (same suffix)
      const kj = kSuffix + Math.abs(y[j]!);
      if (y[j]! < 0) index += u.u(d, kj + 1); // the whole non-negative block comes first
      kSuffix = kj;
    }
    return index;
  }

  private decodeCwrs(index: bigint, out: Int32Array): Int32Array {
    const n = this.n;
    const u = this.u;
    let i = index;
    let k = this.k;
    for (let j = 0; j < n; j++) {
      const d = n - j;
      const p = u.u(d, k + 1);
      const neg = i >= p;
      if (neg) i -= p;
      const k0 = k;
      while (u.u(d, k) > i) k--;
      i -= u.u(d, k);
      out[j] = neg ? -(k0 - k) : k0 - k;
    }
    return out;
  }

  private encodeFischer(y: ArrayLike<number>): bigint {
    const t = this.fischerRows();
    let b = 0n;
    let k = this.k;
    let l = this.n;
    for (let i = 0; i < this.n && k > 0; i++) {
      const xi = y[i]!;
      const a = Math.abs(xi);
      if (a >= 1) {
        const row = t[l - 1]!;
        b += row[k]!;
        for (let j = 1; j < a; j++) b += 2n * row[k - j]!;
        if (xi < 0) b += row[k - a]!;
      }
      k -= a;
      l--;
    }
    return b;
  }

  private decodeFischer(index: bigint, out: Int32Array): Int32Array {
    const t = this.fischerRows();
    out.fill(0);
    let xb = 0n;
    let k = this.k;
    let l = this.n;
    let i = 0;
    while (k > 0) {
      if (index === xb) {
        // Remaining sub-index 0 is (0,…,0,+k).
        out[this.n - 1] = k;
        break;
      }
      const row = t[l - 1]!;
      let xi = 0;
      if (index >= xb + row[k]!) {
        xb += row[k]!;
        for (let j = 1; ; j++) {
          const nj = row[k - j]!;
          if (index < xb + 2n * nj) {
            if (index < xb + nj) xi = j;
            else {
              xi = -j;
              xb += nj; // the step Fischer's printed step 3 leaves out
            }
            break;
          }
          xb += 2n * nj;
        }
      }
      out[i] = xi;
      k -= Math.abs(xi);
      l--;
      i++;
    }
    return out;
  }
}
