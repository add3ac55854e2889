import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGoldenFolder } from './golden.ts';
import { ulpDistance } from './metrics.ts';
import { generate, SplitMix64 } from './prng.ts';
import { goldenDir } from './test-support.ts';

/** splitmix64 written with BigInt, the obvious way: the model the uint32-halves version must match. */
function* bigintSplitMix(seed: bigint): Generator<bigint> {
  let s = BigInt.asUintN(64, seed);
  const mask = (1n << 64n) - 1n;
  for (;;) {
    s = (s + 0x9e3779b97f4a7c15n) & mask;
    let z = s;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & mask;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & mask;
    yield z ^ (z >> 31n);
  }
}

describe('splitmix64', () => {
  it('matches the BigInt model over many outputs and seeds (incl. 0 and 2^64-1)', () => {
    for (const seed of [0n, 1n, 1000n, 0xffffffffffffffffn, 0x123456789abcdefn]) {
      const model = bigintSplitMix(seed);
      const fast = new SplitMix64(seed);
      for (let i = 0; i < 2000; i++) expect(fast.nextBigInt()).toBe(model.next().value);
    }
  });

  it('first output for seed 0 is the published splitmix64 value', () => {
    expect(new SplitMix64(0).nextBigInt()).toBe(0xe220a8397b1dcdafn);
  });

  it('reproduces the golden generator: ggml/q4_0/gaussian.in.f32 is N(0,1)*0.02 from seed 1000', () => {
    const c = openGoldenFolder(join(goldenDir, 'ggml', 'q4_0')).cases.find((x) => x.name === 'gaussian')!;
    const expected = c.f32('in', 4096);
    const rng = new SplitMix64(c.meta['seed'] as number);
    let maxUlp = 0;
    for (let i = 0; i < expected.length; i++)
      maxUlp = Math.max(maxUlp, ulpDistance(expected[i]!, Math.fround(rng.normal() * 0.02)));
    // libm log/cos may differ by an ulp in double; after rounding to float32 the values agree to 1 ulp.
    expect(maxUlp).toBeLessThanOrEqual(1);
  });

  it('uniforms lie in the open interval (0,1)', () => {
    const rng = new SplitMix64(3);
    for (let i = 0; i < 10000; i++) {
      const u = rng.uniform();
      expect(u > 0 && u < 1).toBe(true);
    }
  });
});

describe('sources', () => {
  const n = 200_000;
  const moments = (x: Float32Array) => {
    let m = 0;
    let v = 0;
    for (const a of x) m += a;
    m /= x.length;
    for (const a of x) v += (a - m) ** 2;
    return { mean: m, variance: v / x.length };
  };

  it('gaussian has mean 0 and variance sigma^2', () => {
    const { mean, variance } = moments(generate({ kind: 'gaussian', sigma: 2 }, n, 1));
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(variance).toBeCloseTo(4, 1);
  });

  it('laplace with the default scale has unit variance', () => {
    const { variance } = moments(generate({ kind: 'laplace' }, n, 2));
    expect(variance).toBeCloseTo(1, 1);
  });

  it('student-t(3) has heavier tails than a gaussian', () => {
    const t = generate({ kind: 'student_t', nu: 3 }, n, 3);
    const g = generate({ kind: 'gaussian' }, n, 3);
    const beyond = (x: Float32Array) => x.filter((v) => Math.abs(v) > 4).length;
    expect(beyond(t)).toBeGreaterThan(20 * Math.max(1, beyond(g)));
  });

  it('the outlier mixture scales about p of the values by the factor', () => {
    const x = generate({ kind: 'outlier_mixture', p: 0.01, factor: 50 }, n, 4);
    const big = x.filter((v) => Math.abs(v) > 8).length / n;
    expect(big).toBeGreaterThan(0.005);
    expect(big).toBeLessThan(0.012);
  });

  it('is deterministic for a seed', () => {
    expect(generate({ kind: 'student_t' }, 100, 9)).toEqual(generate({ kind: 'student_t' }, 100, 9));
  });
});
