/**
 * Randomized Hadamard rotation (QuIP#/QuaRot style "incoherence processing") over blocks of L = 2^m
 * values: R·x = (1/√L)·H·diag(s)·x with H the Sylvester Hadamard matrix and s ∈ {±1}^L drawn from
 * splitmix64(seed): s_j = −1 when the lowest bit of the j-th output is 1. R is orthogonal, so its inverse
 * is Rᵀ = diag(s)·H·(1/√L). Both directions round every float32 operation (Math.fround), so encoder and
 * decoder agree bit for bit on any platform; the round trip is exact only up to float32 rounding.
 */
import { QbenchError, SplitMix64 } from '@qbench/core';

const f = Math.fround;

export class HadamardRotation {
  readonly size: number;
  private readonly signs: Float32Array;
  private readonly norm: number;

  constructor(size: number, seed: number | bigint) {
    if (!Number.isInteger(size) || size < 1 || (size & (size - 1)) !== 0) {
      throw new QbenchError('pvq.rotation', `Hadamard rotation needs a power-of-two block, got ${size}`, {
        size,
      });
    }
    this.size = size;
    const rng = new SplitMix64(seed);
    this.signs = new Float32Array(size);
    for (let j = 0; j < size; j++) this.signs[j] = (rng.nextHalves()[1]! & 1) === 1 ? -1 : 1;
    this.norm = f(1 / Math.sqrt(size));
  }

  /** In-place fast Walsh–Hadamard transform (unnormalised), float32 butterflies in the usual order. */
  private fwht(v: Float32Array): void {
    for (let h = 1; h < v.length; h <<= 1) {
      for (let i = 0; i < v.length; i += h << 1) {
        for (let j = i; j < i + h; j++) {
          const a = v[j]!;
          const b = v[j + h]!;
          v[j] = a + b; // the Float32Array store rounds to float32
          v[j + h] = a - b;
        }
      }
    }
  }

  /** out = R·x for one block (x and out may be the same array). */
  forward(x: ArrayLike<number>, out = new Float32Array(this.size)): Float32Array {
    this.checkLength(x.length);
    for (let j = 0; j < this.size; j++) out[j] = x[j]! * this.signs[j]!;
    this.fwht(out);
    for (let j = 0; j < this.size; j++) out[j] = out[j]! * this.norm;
    return out;
  }

  /** out = Rᵀ·z for one block (z and out may be the same array). */
  inverse(z: ArrayLike<number>, out = new Float32Array(this.size)): Float32Array {
    this.checkLength(z.length);
    for (let j = 0; j < this.size; j++) out[j] = z[j]!;
    this.fwht(out);
    for (let j = 0; j < this.size; j++) out[j] = f(out[j]! * this.norm) * this.signs[j]!;
    return out;
  }

  private checkLength(n: number): void {
    if (n !== this.size) {
      throw new QbenchError('pvq.rotation', `rotation block has ${n} values, expected ${this.size}`, {
        expected: this.size,
        got: n,
      });
    }
  }
}
