/**
 * The q8_0 vec_dots of ggml's NVFP4, Q1_0 and Q2_0 against the loaded CPU variant: qbench's reference dot
 * (the C source's float32 steps without fused multiply-add, like every golden vector) is within the spec's
 * dot tolerance (relative to Σ|x̂·ŷ|, as summation orders differ) of ggml's SIMD kernel and of its portable kernel ggml_vec_dot_<t>_q8_0_generic where the
 * variant exports one (q2_0's is not exported). Not bit for bit: the prebuilt variants are compiled for
 * their ISA and contract `sumi += d_y·sumi_k` / `sumf += d·sumi` into FMAs (an FMA model of the same steps
 * matched the zen4 generic q1_0 kernel on 64 of 64 rows; the unfused reference differs in the last bits on
 * about half of them). Inputs: N(0,1)·0.02 weight rows spanning 8 decades, N(0,1) activations, quantized by
 * qbench's references (bit-exact with ggml's). Skipped with the reason without the native library.
 */
import { generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { nativeGgml } from './index.ts';

const native = nativeGgml();
const reason = native.ok ? undefined : native.reason;

describe.skipIf(reason !== undefined)(
  `vec_dot of nvfp4, q1_0, q2_0 vs ggml${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    it.each([
      ['nvfp4', 40],
      ['q1_0', 41],
      ['q2_0', 42],
    ] as const)('%s: reference within the dot tolerance of ggml’s kernels', async (id, typeId) => {
      if (!native.ok) return;
      const f = await loadFormat(id);
      const q8 = await loadFormat('q8_0');
      const cpu = native.ggml.cpu.get(typeId);
      const n = 4096;
      const tol = f.spec.tolerance.dot!;
      for (let seed = 1; seed <= 64; seed++) {
        const x = generate({ kind: 'gaussian' }, n, seed).map((v, i) => v * 0.02 * 10 ** ((i >> 9) - 4));
        const y = generate({ kind: 'gaussian' }, n, 1000 + seed);
        const q = f.reference.encode(x);
        const yq = q8.reference.encode(y);
        const ours = f.reference.dot!(q, y);
        // Summation order differs between kernels, so the bound scales with Σ|x̂·ŷ|, not with the (possibly
        // cancelling) dot itself.
        const xd = f.reference.decode(q, n);
        const yd = q8.reference.decode(yq, n);
        let magnitude = 0;
        for (let j = 0; j < n; j++) magnitude += Math.abs(xd[j]! * yd[j]!);
        const within = (got: number) => Math.abs(got - ours) <= tol.absolute! + tol.relative! * magnitude;
        expect(within(cpu.vecDot(n, q, yq)), `${id} seed ${seed} SIMD`).toBe(true);
        if (cpu.vecDotGeneric)
          expect(within(cpu.vecDotGeneric(n, q, yq)), `${id} seed ${seed} generic`).toBe(true);
      }
    });
  },
);
