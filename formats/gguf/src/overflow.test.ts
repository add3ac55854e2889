/**
 * Beyond fp16 range ggml's scale searches themselves overflow in float32, and what a block then decodes to
 * depends on the type (each spec's specialValues.overflow states it): q3_k, q6_k and iq4_xs store the block
 * as for all zeros (the NaN scales fail every `>` test), iq4_nl stores a NaN d, the simpler types ±inf/NaN.
 */
import { loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';

/** A super-block of values within a factor of 2 of each other, alternating in sign, scaled to `m`. */
const huge = (m: number) =>
  Float32Array.from({ length: 256 }, (_, i) => (i % 2 ? -1 : 1) * m * (0.5 + ((i * 7) % 11) / 20));

function outcome(y: Float32Array): string {
  if (y.every(Number.isNaN)) return 'NaN';
  if (y.every((v) => v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY)) return '±inf';
  if (y.every((v) => v === 0)) return 'zeros';
  return y.every(Number.isFinite) ? 'finite' : 'mixed';
}

type Outcome = 'finite' | 'NaN' | '±inf' | 'zeros';

/** Per type: what max|x| = 1e3, 1e10 and 1e30 decode to. */
const EXPECTED: Record<string, [Outcome, Outcome, Outcome]> = {
  q3_k: ['finite', 'NaN', 'zeros'],
  q6_k: ['finite', 'NaN', 'zeros'],
  iq4_xs: ['finite', '±inf', 'zeros'],
  iq4_nl: ['finite', '±inf', 'NaN'],
  q8_0: ['finite', '±inf', '±inf'],
};

describe('decode(encode(x)) for huge x, as each spec states', () => {
  it.each(Object.entries(EXPECTED))('%s', async (id, want) => {
    const f = await loadFormat(id);
    const got = [1e3, 1e10, 1e30].map((m) => {
      const x = huge(m);
      return outcome(f.reference.decode(f.reference.encode(x), x.length));
    });
    expect(got).toEqual(want);
  });
});
