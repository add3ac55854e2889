/**
 * Every wasm-simd128 and webgpu kernel against its reference, on the one case list (conformance.ts), plus
 * checks that the harness itself catches wrong kernels: a flipped element, a wrong length, a throw, a hang.
 */
import {
  type DecodeKernel,
  type DotKernel,
  FORMAT_IDS,
  FORMAT_SPECS,
  type FormatId,
  generate,
  loadFormat,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { referenceKernels } from './backends/reference/index.ts';
import { atOddOffset, conformKernel, floatDotRows, summarizeFailures } from './conformance.ts';
import { listKernels } from './registry.ts';

const listing = await listKernels({ backends: ['wasm-simd128', 'webgpu'] });
/**
 * wasm dots whose kernel documents its own summation order (as ggml's SIMD kernels have theirs): held to
 * the spec's tolerance.dot like every kernel, but not to bit-exactness with the reference. q4_k: block
 * sums finished in int32, one float accumulator (formats/gguf/wasm/dot-q8_k-partner.ts, q4_kRow). ifairy,
 * ifairy_w2: multiplication-free, the ±Re/±Im sums A and C per stage in float64, then s_re·A + s_im·C
 * (formats/ifairy/wasm/dot.ts), not the reference's in-order sum of products.
 */
const WASM_DOTS_REORDERED = new Set(['q4_k', 'ifairy', 'ifairy_w2']);
const unavailable = (backend: string) => listing.unavailable.find((u) => u.backend === backend)?.reason;

for (const backend of ['wasm-simd128', 'webgpu'] as const) {
  const reason = unavailable(backend);
  describe.skipIf(reason !== undefined)(
    `${backend} kernels conform${reason ? ` (skipped: ${reason})` : ''}`,
    () => {
      for (const k of listing.kernels.filter((x) => x.backend === backend)) {
        it(k.id, async () => {
          const r = await conformKernel(k, await loadFormat(k.format));
          expect(summarizeFailures(r)).toEqual([]);
          expect(r.skipped).toBeUndefined();
          expect(r.ok).toBe(true);
          // the case list really ran: block counts, odd offset, random bytes (decode) or rows (dot), golden
          expect(r.cases.length).toBeGreaterThanOrEqual(k.op === 'decode' ? 9 : 6);
          if (k.op === 'dot' && backend === 'wasm-simd128' && !WASM_DOTS_REORDERED.has(k.format)) {
            // the wasm dots reproduce the reference's float order exactly: bit-exact, not just within tolerance
            const vsReference = r.cases.filter((c) => !c.case.startsWith('golden'));
            expect(vsReference.map((c) => `${c.case}: ${c.checks[0]!.detail}`)).toEqual(
              vsReference.map((c) => `${c.case}: bit-exact`),
            );
          }
        });
      }
    },
  );
}

/**
 * Every format has a decode kernel on both backends, and a dot kernel wherever a dot is defined (its
 * reference has one, or its spec states tolerance.dot), including formats whose side info spans rows
 * (nf4_dq, mwq: the matrix is one tensor).
 */
describe('kernel coverage', () => {
  for (const backend of ['wasm-simd128', 'webgpu'] as const) {
    const reason = unavailable(backend);
    it.skipIf(reason !== undefined)(
      `every format has its ${backend} kernels${reason ? ` (skipped: ${reason})` : ''}`,
      async () => {
        const missing: string[] = [];
        for (const id of FORMAT_IDS) {
          const dot = (await loadFormat(id)).reference.dot !== undefined || !!FORMAT_SPECS[id].tolerance.dot;
          for (const op of dot ? ['decode', 'dot'] : ['decode']) {
            if (!listing.kernels.some((k) => k.format === id && k.op === op && k.backend === backend))
              missing.push(`${id}/${op}`);
          }
        }
        expect(missing).toEqual([]);
      },
    );
  }
});

/**
 * Activations that are not finite: a float dot (no partner type) must give the reference's answer, NaN
 * where it has NaN (0·inf, NaN·x) and the same ±inf, not a finite number from skipping a lane or a zero
 * weight. The multiplication-free iFairy dots take their exact path here, so every kernel is bit-exact.
 */
describe('wasm float dots with ±inf and NaN activations', () => {
  const reason = unavailable('wasm-simd128');
  const floatDots = listing.kernels.filter(
    (k) =>
      k.backend === 'wasm-simd128' &&
      k.op === 'dot' &&
      FORMAT_SPECS[k.format as FormatId].params?.['vecDotType'] === undefined,
  );
  it.skipIf(reason !== undefined)(
    `match the reference bit for bit (${floatDots.length} kernels)`,
    async () => {
      expect(floatDots.length).toBeGreaterThan(20);
      const mismatches: string[] = [];
      for (const k of floatDots) {
        const format = await loadFormat(k.format);
        const n = 4 * Math.max(format.blockElements, 32);
        const rows = 3;
        const q = format.reference.encode(generate({ kind: 'gaussian' }, rows * n, 7), { nPerRow: n });
        const kernel = (await k.load()) as DotKernel;
        const y = generate({ kind: 'gaussian' }, n, 8);
        for (const [what, at, value] of [
          ['+inf', 5, Number.POSITIVE_INFINITY],
          ['−inf', n - 2, Number.NEGATIVE_INFINITY],
          ['NaN', 1, Number.NaN],
        ] as const) {
          const yy = y.slice();
          yy[at] = value;
          const expected = floatDotRows(format, q, yy, rows);
          const got = await kernel.dot(q, yy, rows);
          for (let r = 0; r < rows; r++) {
            const e = Math.fround(expected[r]!);
            if (!(Object.is(e, got[r]) || (Number.isNaN(e) && Number.isNaN(got[r]!))))
              mismatches.push(`${k.format} y[${at}] = ${what}, row ${r}: expected ${e}, got ${got[r]}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );
});

describe('the harness catches wrong kernels', async () => {
  const format = await loadFormat('q4_0');
  const [decodeRef, dotRef] = referenceKernels([format]);
  const good = (await decodeRef!.load()) as DecodeKernel;
  const check = (k: DecodeKernel, opts = {}) =>
    conformKernel(decodeRef!, format, { golden: false, maxBlocks: 33, ...opts }, k);

  it('a kernel that is off by one ulp in one element fails with that element', async () => {
    const r = await check({
      decode: (q, n) => {
        const y = (good.decode(q, n) as Float32Array).slice();
        if (n >= 64) new Uint32Array(y.buffer, y.byteOffset, n)[37]! ^= 1; // flip the last mantissa bit
        return y;
      },
    });
    expect(r.ok).toBe(false);
    const failed = r.cases.find((c) => c.case === 'blocks=2')!.checks[0]!;
    expect(failed.mismatch).toMatchObject({ index: 37, block: 1, offsetInBlock: 5, count: 1 });
  });

  it('wrong length, a throw and a hang are verdicts, not crashes', async () => {
    const short = await check({ decode: (q, n) => (good.decode(q, n) as Float32Array).subarray(1) });
    expect(summarizeFailures(short)[0]).toMatch(/returned \d+ values, expected \d+/);
    const thrower = await check({
      decode: () => {
        throw new RangeError('boom');
      },
    });
    expect(summarizeFailures(thrower)[0]).toMatch(/threw RangeError: boom/);
    const hang = await check(
      { decode: () => new Promise<Float32Array>(() => {}) },
      { timeoutMs: 20, maxBlocks: 1 },
    );
    expect(summarizeFailures(hang)[0]).toMatch(/did not answer within 20 ms/);
  });

  it('a dot outside tolerance fails; the reference dot passes bit-exact', async () => {
    const refDot = (await dotRef!.load()) as DotKernel;
    const ok = await conformKernel(dotRef!, format, { golden: true, maxBlocks: 33 }, refDot);
    expect(ok.ok).toBe(true);
    expect(
      ok.cases.filter((c) => !c.case.startsWith('golden')).every((c) => c.checks[0]!.detail === 'bit-exact'),
    ).toBe(true);
    const off: DotKernel = {
      dot: async (q, y, rows) => (await refDot.dot(q, y, rows)).map((v) => v * 1.001),
    };
    const bad = await conformKernel(dotRef!, format, { golden: false, maxBlocks: 3 }, off);
    expect(bad.ok).toBe(false);
    expect(summarizeFailures(bad)[0]).toMatch(/row 0: expected .*, got .*allowed/);
  });

  it('atOddOffset really moves the bytes to an odd byteOffset', () => {
    const v = atOddOffset(new Uint8Array([1, 2, 3]));
    expect(v.byteOffset % 2).toBe(1);
    expect(Array.from(v)).toEqual([1, 2, 3]);
  });
});
