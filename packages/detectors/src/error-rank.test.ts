import { loadFormat, SplitMix64 } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { ERROR_RANK_MIN_THRESHOLD, errorRank } from './error-rank.ts';

/** A q8_0 tensor whose dequantized value is `reference + error` exactly is not constructible; instead the
 * reference is chosen around a fixed quantization so that D = dequant − reference is the error we want. */
async function scoreOfError(error: (r: number, j: number) => number, m: number, n: number) {
  const f = await loadFormat('q8_0');
  const rng = new SplitMix64(11);
  const w = new Float32Array(m * n);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal();
  const bytes = f.reference.encode(w, { nPerRow: n });
  const deq = f.reference.decode(bytes, w.length);
  const reference = new Float32Array(m * n);
  for (let r = 0; r < m; r++)
    for (let j = 0; j < n; j++) reference[r * n + j] = deq[r * n + j]! - error(r, j);
  return errorRank({ tensor: 't', format: f, reference, bytes, nPerRow: n });
}

describe('error-rank', () => {
  it('scores independent noise at the Marchenko–Pastur edge (≈ 0) and a rank-one component far above it', async () => {
    const rng = new SplitMix64(3);
    const noise = Array.from({ length: 128 * 128 }, () => 1e-3 * rng.normal());
    const flat = await scoreOfError((r, j) => noise[r * 128 + j]!, 128, 128);
    expect(flat.score).toBeLessThan(ERROR_RANK_MIN_THRESHOLD);
    const a = Array.from({ length: 128 }, () => rng.normal());
    const b = Array.from({ length: 128 }, () => rng.normal());
    // A rank-one component with a fifth of the noise's energy per entry still dominates the top singular value.
    const spiked = await scoreOfError((r, j) => noise[r * 128 + j]! + 4.5e-4 * a[r]! * b[j]!, 128, 128);
    expect(spiked.score).toBeGreaterThan(1);
    expect(spiked.evidence).toMatch(/noise edge/);
  });

  it('is 0 with no error at all (a dequantized model) and is deterministic', async () => {
    const zero = await scoreOfError(() => 0, 64, 64);
    expect(zero.score).toBe(0);
    const rng = new SplitMix64(4);
    const e = Array.from({ length: 64 * 64 }, () => 1e-3 * rng.normal());
    const x = await scoreOfError((r, j) => e[r * 64 + j]!, 64, 64);
    const y = await scoreOfError((r, j) => e[r * 64 + j]!, 64, 64);
    expect(x.score).toBe(y.score);
  });
});
