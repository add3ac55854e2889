/**
 * The ggml-native backend: it lists a decode kernel for every ggml type qbench implements and a dot kernel
 * where ggml's CPU backend has a vec_dot, every one passes the one conformance harness (decode bit-exact,
 * dot within the spec's tolerance), and the dot it times (ggml_mul_mat, one graph compute per matrix) gives
 * exactly what vec_dot of the loaded CPU variant gives row by row. Without the native library every check is
 * a visible skip with the reason.
 */
import { encodeForSuite, generate, listSpecs, loadFormat } from '@qbench/core';
import { nativeGgml } from '@qbench/ggml-native';
import { describe, expect, it } from 'vitest';
import { conformKernel, summarizeFailures } from '../../conformance.ts';
import { listKernels } from '../../registry.ts';
import { ggmlNativeBackend } from './index.ts';

const native = nativeGgml();
const why = native.ok ? '' : ` (skipped: ${native.reason})`;
const ggmlTypes = listSpecs().filter((s) => typeof s.params?.['ggmlTypeId'] === 'number');

describe('ggml-native backend', () => {
  it.skipIf(native.ok)(`says why it has no kernels where native ggml does not load${why}`, async () => {
    const listing = await ggmlNativeBackend.list([]);
    expect(listing).toMatchObject({ unavailable: expect.stringMatching(/^native ggml: .+/) });
  });

  it.skipIf(!native.ok)(
    `lists decode for every ggml type qbench implements, dot where ggml has vec_dot${why}`,
    async () => {
      if (!native.ok) return;
      const { kernels } = await listKernels({ backends: ['ggml-native'] });
      const ids = new Set<string>(kernels.map((k) => k.id));
      for (const s of ggmlTypes) {
        const t = s.params!['ggmlTypeId'] as number;
        expect(ids.has(`${s.id}/decode/ggml-native`)).toBe(native.ggml.dequantize.has(t));
        if (native.ggml.cpu.get(t).hasVecDot && s.id !== 'q8_k')
          expect(ids.has(`${s.id}/dot/ggml-native`)).toBe(true);
      }
      // q4_k, q8_0 and q4_0 are the figures the wasm dots are held to
      for (const id of ['q4_k/dot/ggml-native', 'q8_0/dot/ggml-native', 'q4_0/dot/ggml-native'])
        expect(ids.has(id)).toBe(true);
    },
  );

  it.skipIf(!native.ok)(
    `every kernel (decode, dot, encode = quantize_row_<t>_ref) passes the harness (33 blocks, golden)${why}`,
    async () => {
      const { kernels } = await listKernels({ backends: ['ggml-native'] });
      const failures: string[] = [];
      const skipped: string[] = [];
      for (const k of kernels) {
        const r = await conformKernel(k, await loadFormat(k.format), { maxBlocks: 33 });
        // a spec that documents a difference from ggml's _ref quantizer (iq4_nl) is a visible skip, not a pass
        if (r.skipped) skipped.push(`${k.id}: ${r.skipped}`);
        else if (!r.ok) failures.push(...summarizeFailures(r));
      }
      expect(failures).toEqual([]);
      expect(skipped).toEqual([
        expect.stringMatching(
          /^iq4_nl\/encode\/ggml-native: the iq4_nl spec says quantize_row_iq4_nl_ref differs: /,
        ),
      ]);
      expect(kernels.filter((k) => k.op === 'encode').length).toBeGreaterThan(10);
    },
  );

  it.skipIf(!native.ok)(
    `ggml_mul_mat (what is timed) equals vec_dot of the CPU variant, row by row, bit for bit${why}`,
    async () => {
      if (!native.ok) return;
      const g = native.ggml;
      const n = 1024;
      const rows = 9;
      for (const s of ggmlTypes) {
        const t = s.params!['ggmlTypeId'] as number;
        const traits = g.cpu.get(t);
        if (!traits.hasVecDot || s.id === 'q8_k') continue;
        const f = await loadFormat(s.id);
        // Under the suites' imatrix policy: a type that requires one (iq1_s, iq2_xs, iq2_xxs) gets the uniform one.
        const q = encodeForSuite(f, generate({ kind: 'gaussian' }, n * rows, 7), { nPerRow: n });
        const y = generate({ kind: 'gaussian' }, n, 8);
        const yq = new Uint8Array(g.types.rowBytes(traits.vecDotType, n));
        g.cpu.get(traits.vecDotType).fromFloat(y, yq);
        const p = g.matmul.stage(t, traits.vecDotType, q, n, rows, yq);
        p.run();
        const got = p.result();
        p.dispose();
        const rb = q.byteLength / rows;
        const want = Array.from({ length: rows }, (_, r) =>
          traits.vecDot(n, q.subarray(r * rb, (r + 1) * rb), yq),
        );
        expect([s.id, ...got], s.id).toEqual([s.id, ...Float32Array.from(want)]);
      }
    },
  );

  it.skipIf(!native.ok)(`a staged product of the wrong size is refused before ggml sees it${why}`, () => {
    if (!native.ok) return;
    const g = native.ggml;
    const q8 = 8; // GGML_TYPE_Q8_0
    expect(() => g.matmul.stage(q8, q8, new Uint8Array(33), 32, 1, new Uint8Array(34))).toThrow(
      /1 rows of 32 need 34 \+ 34 bytes, got 33 \+ 34/,
    );
  });
});
