/**
 * llmfp4's kernels index the generated split tables by the header's split byte; the conformance cases
 * encode Gaussian-like samples, which mostly pick split 0. Here every split is forced into the header of
 * one reference-encoded tensor, and both backends must decode it bit for bit as the reference does.
 */
import { type DecodeKernel, generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { listKernels } from './registry.ts';

const listing = await listKernels({ backends: ['wasm-simd128', 'webgpu'] });

describe('llmfp4 kernels decode every split (E2M1, E3M0, E1M2)', () => {
  for (const backend of ['wasm-simd128', 'webgpu'] as const) {
    const reason = listing.unavailable.find((u) => u.backend === backend)?.reason;
    it.skipIf(reason !== undefined)(`${backend}${reason ? ` (skipped: ${reason})` : ''}`, async () => {
      const f = await loadFormat('llmfp4');
      const k = listing.kernels.find(
        (x) => x.format === 'llmfp4' && x.op === 'decode' && x.backend === backend,
      );
      expect(k).toBeDefined();
      const kernel = (await k!.load()) as DecodeKernel;
      const n = 1000;
      const q = f.reference.encode(generate({ kind: 'gaussian' }, n, 3));
      new DataView(q.buffer).setFloat32(0, 0.37, true);
      for (const split of [0, 1, 2]) {
        q[4] = split;
        const want = f.reference.decode(q, n);
        const got = await kernel.decode(q, n);
        const bad = [...want].flatMap((v, i) => (Object.is(v, got[i]) ? [] : [`${i}: ${v} vs ${got[i]}`]));
        expect(bad.slice(0, 5), `split ${split}`).toEqual([]);
      }
    });
  }
});
