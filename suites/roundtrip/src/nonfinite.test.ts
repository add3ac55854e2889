/**
 * The EncodeOptions.nonFinite contract (@qbench/core traits.ts) over every format in the registry: by default
 * a NaN or ±Inf anywhere in the input is rejected with a QbenchError whose code ends in `nonfinite` and whose
 * message names the element; `nonFinite: 'propagate'` either encodes (to the declared size) or rejects with a
 * QbenchError, never crashes.
 */
import { isQbenchError, listSpecs, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { specialSize } from './special.ts';

const BAD = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN] as const;

describe.each(listSpecs().map((s) => s.id))('%s', (id) => {
  it('rejects NaN and ±Inf by default, naming the element, in the first and in a later block', async () => {
    const f = await loadFormat(id);
    const n = specialSize(f);
    for (const bad of BAD) {
      for (const at of [1, n - 2]) {
        const x = Float32Array.from({ length: n }, (_, i) => (i === at ? bad : 1 + (i % 5) * 0.25));
        let thrown: unknown;
        try {
          f.reference.encode(x);
        } catch (e) {
          thrown = e;
        }
        expect(isQbenchError(thrown), `${bad} at ${at}: ${String(thrown)}`).toBe(true);
        if (!isQbenchError(thrown)) continue;
        expect(thrown.code, `${bad} at ${at}`).toMatch(/(^|\.)nonfinite$/);
        expect(thrown.message, `${bad} at ${at}`).toMatch(new RegExp(`element ${at}\\b`));
      }
    }
  });

  it("with nonFinite 'propagate' encodes to the declared size or rejects with a QbenchError", async () => {
    const f = await loadFormat(id);
    const n = specialSize(f);
    for (const bad of BAD) {
      const x = Float32Array.from({ length: n }, (_, i) => (i === 1 ? bad : 1 + (i % 5) * 0.25));
      try {
        expect(f.reference.encode(x, { nonFinite: 'propagate' }).length).toBe(f.reference.encodedBytes(n));
      } catch (e) {
        expect(isQbenchError(e), `${bad}: ${String(e)}`).toBe(true);
      }
    }
  });
});
