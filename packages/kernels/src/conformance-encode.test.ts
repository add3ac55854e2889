/**
 * The harness's encode cases catch what they must: the reference encoder itself passes bit-exact on every
 * case (incl. the corner blocks), a kernel that changes one byte fails naming the block and byte, a wrong
 * length and a throw are verdicts.
 */
import { type EncodeKernel, kernelId, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { conformKernel, summarizeFailures } from './conformance.ts';
import { cornerBlocks } from './conformance-encode.ts';

const q8 = await loadFormat('q8_0');
const traits = (k: EncodeKernel) => ({
  id: kernelId('q8_0', 'encode', 'test'),
  format: 'q8_0',
  op: 'encode' as const,
  backend: 'test',
  supports: () => true as const,
  load: async () => k,
});

describe('conformance harness: encode', () => {
  it('holds the reference encoder to itself, bit-exact, on block counts and corner blocks', async () => {
    const r = await conformKernel(traits({ encode: (x) => q8.reference.encode(x) }), q8, { maxBlocks: 33 });
    expect(summarizeFailures(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.cases.map((c) => c.case)).toContain(
      'corner blocks (zeros, constants, −0.0, subnormals, 1e30, sparse, 1e-20)',
    );
    expect(r.cases.every((c) => c.checks[0]!.detail === 'bit-exact')).toBe(true);
    // one block per corner, −0.0 and subnormals among them
    const x = cornerBlocks(32);
    expect(x.length % 32).toBe(0);
    expect(Object.is(x[2 * 32], -0)).toBe(true);
    expect(x.some((v) => v !== 0 && Math.abs(v) < 1.1754943508222875e-38)).toBe(true);
  });

  it('fails a kernel that changes one byte, naming the block and the byte', async () => {
    const bad: EncodeKernel = {
      encode(x) {
        const q = q8.reference.encode(x);
        if (q.length > 2 * 34 + 5) q[2 * 34 + 5]! ^= 1;
        return q;
      },
    };
    const r = await conformKernel(traits(bad), q8, { maxBlocks: 7 });
    expect(r.ok).toBe(false);
    const lines = summarizeFailures(r);
    expect(lines.some((l) => /blocks=3: index 73 \(block 2, offset 5\).*1 of 3 blocks differ/.test(l))).toBe(
      true,
    );
  });

  it('a wrong length or a throw is a verdict, not a crash', async () => {
    const short = await conformKernel(traits({ encode: () => new Uint8Array(3) }), q8, { maxBlocks: 1 });
    expect(summarizeFailures(short)[0]).toMatch(/returned 3 bytes, expected 34/);
    const throws = await conformKernel(
      traits({
        encode: () => {
          throw new Error('boom');
        },
      }),
      q8,
      { maxBlocks: 1 },
    );
    expect(summarizeFailures(throws)[0]).toMatch(/threw Error: boom/);
  });
});
