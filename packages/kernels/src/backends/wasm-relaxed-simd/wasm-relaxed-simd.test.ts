/**
 * The wasm-relaxed-simd backend: support is detected (a module using i16x8.relaxed_dot_i8x16_i7x16_s
 * validates, after V8's flag on Node 20); where it is supported and built, its q4_0 and q8_0 dots pass the
 * conformance harness and give the simd128 kernels' results bit for bit (the relaxed module's q8_0 is the
 * simd128 kernel itself), including q8_0 blocks with a −128 code, where both also equal the reference dot
 * row by row (the int16-widened path is exact for every code); its q4_k dot (other int32 partial sums than
 * simd128's, so held to the spec's tolerance like the simd128 q4_k) passes the harness and gives every row
 * of a matrix the value that row has alone (rows are taken in pairs); where not supported, the
 * backend lists nothing and says why.
 */
import { type DotKernel, generate, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { conformKernel, summarizeFailures } from '../../conformance.ts';
import { listKernels } from '../../registry.ts';
import { relaxedSimdSupport, wasmRelaxedSimdBackend } from './index.ts';

const listing = await listKernels({
  formats: ['q4_0', 'q8_0', 'q4_k'],
  backends: ['wasm-relaxed-simd', 'wasm-simd128'],
});
const why = listing.unavailable.map((u) => `${u.backend}: ${u.reason}`).join('; ');
const skip = why ? ` (skipped: ${why})` : '';

describe('wasm-relaxed-simd backend', () => {
  it('detects relaxed SIMD, or lists nothing and says why', async () => {
    const s = relaxedSimdSupport();
    if (s === true)
      expect(WebAssembly.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))).toBe(true);
    else expect(await wasmRelaxedSimdBackend.list([])).toEqual({ unavailable: s });
  });

  it.skipIf(why !== '')(
    `q4_0 and q8_0 dots pass the harness and equal the simd128 kernels bit for bit${skip}`,
    async () => {
      const ids = listing.kernels.map((k) => k.id);
      expect(ids).toEqual(
        expect.arrayContaining(['q4_0/dot/wasm-relaxed-simd', 'q8_0/dot/wasm-relaxed-simd']),
      );
      for (const format of ['q4_0', 'q8_0']) {
        const f = await loadFormat(format);
        const relaxed = listing.kernels.find((k) => k.id === `${format}/dot/wasm-relaxed-simd`)!;
        const plain = listing.kernels.find((k) => k.id === `${format}/dot/wasm-simd128`)!;
        const r = await conformKernel(relaxed, f, { maxBlocks: 33 });
        expect(summarizeFailures(r)).toEqual([]);
        expect(r.ok).toBe(true);
        const n = 2048;
        const rows = 5;
        const q = f.reference.encode(generate({ kind: 'student_t', nu: 3 }, n * rows, 11), { nPerRow: n });
        // q8_0 codes of −128 (valid bytes, never written by the quantizer): |−128| is not a 7-bit operand
        if (format === 'q8_0') for (let b = 0; b < 20; b++) q[b * 34 * 3 + 2 + (b % 32)] = 0x80;
        const y = generate({ kind: 'gaussian' }, n, 12);
        const a = await ((await relaxed.load()) as DotKernel).dot(q, y, rows);
        const p = await ((await plain.load()) as DotKernel).dot(q, y, rows);
        expect(Array.from(a), format).toEqual(Array.from(p));
        // the reference's own dot of each row, bit for bit (−128 codes included)
        const rowBytes = q.byteLength / rows;
        const ref = Array.from({ length: rows }, (_, r) =>
          Math.fround(f.reference.dot!(q.subarray(r * rowBytes, (r + 1) * rowBytes), y)),
        );
        expect(Array.from(a), format).toEqual(ref);
      }
    },
  );

  it.skipIf(why !== '')(`q4_k dot passes the harness (within the spec's tolerance.dot)${skip}`, async () => {
    const k = listing.kernels.find((x) => x.id === 'q4_k/dot/wasm-relaxed-simd');
    expect(k).toBeDefined();
    const r = await conformKernel(k!, await loadFormat('q4_k'));
    expect(summarizeFailures(r)).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it.skipIf(why !== '')(
    `q4_k dot: rows taken in pairs (r, r + rows/2) give each row's single-row result bit for bit${skip}`,
    async () => {
      const f = await loadFormat('q4_k');
      const kernel = (await listing.kernels
        .find((x) => x.id === 'q4_k/dot/wasm-relaxed-simd')!
        .load()) as DotKernel;
      const n = 1024;
      const rows = 5; // pairs (0, 2) and (1, 3), then the odd last row
      const q = f.reference.encode(generate({ kind: 'student_t', nu: 3 }, n * rows, 21), { nPerRow: n });
      const y = generate({ kind: 'gaussian' }, n, 22);
      const all = Array.from(await kernel.dot(q, y, rows));
      const rowBytes = q.byteLength / rows;
      const one: number[] = [];
      for (let r = 0; r < rows; r++)
        one.push(...(await kernel.dot(q.slice(r * rowBytes, (r + 1) * rowBytes), y, 1)));
      expect(all).toEqual(one);
    },
  );
});
