/**
 * Double quantization overflows where plain NF4/FP4 cannot: the offset is the float32 mean of the block
 * absmaxes (torch's float32 cascade sum), so absmaxes near float32 max make it +inf and every block decodes
 * to NaN (specialValues.overflow of nf4_dq and fp4_dq); plain nf4 keeps them finite.
 */
import { loadFormat } from '@qbench/core';
import { expect, it } from 'vitest';

const huge = (m: number) =>
  Float32Array.from({ length: 1024 }, (_, i) => (i % 2 ? -1 : 1) * m * (1 + (i % 3)));

it.each(['nf4_dq', 'fp4_dq'])('%s: finite up to 1e30, NaN once the absmax mean overflows', async (id) => {
  const f = await loadFormat(id);
  const roundTrip = (x: Float32Array) => f.reference.decode(f.reference.encode(x), x.length);
  expect(roundTrip(huge(1e30)).every(Number.isFinite)).toBe(true);
  expect(roundTrip(huge(1e38)).every(Number.isNaN)).toBe(true);
  const plain = await loadFormat(id.replace('_dq', ''));
  expect(plain.reference.decode(plain.reference.encode(huge(1e38)), 1024).every(Number.isFinite)).toBe(true);
});
