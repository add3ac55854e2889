/**
 * Why mwq_8 is not idempotent (roundTrip.idempotent false): re-encoding its decoded tensor keeps every code
 * and zero point, but α = fp32(fp32(hi − lo)/255) recomputed from the decoded extremes α·(q − z) can move by
 * one float32 ulp.
 */
import { generate, loadFormat } from '@qbench/core';
import { expect, it } from 'vitest';

it('mwq_8 re-encodes to the same codes and zero points, and scales within one float32 ulp', async () => {
  const f = await loadFormat('mwq_8');
  const n = 65536;
  const groups = n / 128;
  const q1 = f.reference.encode(generate({ kind: 'gaussian' }, n, 0x1de0));
  const q2 = f.reference.encode(f.reference.decode(q1, n));
  expect(q2.subarray(4 * groups)).toEqual(q1.subarray(4 * groups)); // zero points, then the bit planes
  const s1 = new Float32Array(q1.slice(0, 4 * groups).buffer);
  const s2 = new Float32Array(q2.slice(0, 4 * groups).buffer);
  const u1 = new Int32Array(s1.buffer);
  const u2 = new Int32Array(s2.buffer);
  let moved = 0;
  for (let g = 0; g < groups; g++) {
    expect(Math.abs(u1[g]! - u2[g]!), `group ${g}`).toBeLessThanOrEqual(1);
    if (u1[g] !== u2[g]) moved++;
  }
  expect(moved).toBeGreaterThan(0);
});
