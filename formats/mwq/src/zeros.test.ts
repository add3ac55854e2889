/**
 * Zeros in MWQ (specialValues.zero): an all-zero group gets α = 1, z = 0 and decodes to +0 at every r;
 * elsewhere 0 is exact when the group's zero point z is a multiple of 2^(8−r) (always on the master, and for
 * any group with min ≥ 0, where z = 0), and is off by −(2^(8−r) − 1)·α for a group with max ≤ 0 (z = 255).
 */
import { FORMAT_IDS, FORMAT_SPECS, loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';

// every spec with a stored per-group zero point (the MWQ specs; Double Rounding's zero is fixed): a new
// variant is covered by adding its spec
const IDS = FORMAT_IDS.filter((id) => FORMAT_SPECS[id].scale.kind === 'per-group-asymmetric-minmax');

describe.each(IDS)('%s', (id) => {
  const bits = FORMAT_SPECS[id].params!['bits'] as number;
  const roundTrip = async (x: Float32Array) => {
    const f = await loadFormat(id);
    return f.reference.decode(f.reference.encode(x), x.length);
  };

  it('decodes an all-zero tensor to +0', async () => {
    const y = await roundTrip(new Float32Array(256));
    expect(y.every((v) => Object.is(v, 0))).toBe(true);
  });

  it('decodes a constant group to (2^r − 1)·2^(8−r)·α with α = c/255', async () => {
    const y = await roundTrip(new Float32Array(128).fill(0.7));
    const alpha = Math.fround(Math.fround(0.7) / 255);
    expect(new Set(y)).toEqual(new Set([Math.fround(alpha * (2 ** bits - 1) * 2 ** (8 - bits))]));
  });

  it('keeps zeros exact next to one positive value, and off by −(2^(8−r) − 1)·α next to one negative', async () => {
    const x = new Float32Array(256);
    x[5] = 1.5; // group 0: lo = 0, z = 0
    x[200] = -0.3; // group 1: hi = 0, z = 255
    const y = await roundTrip(x);
    expect(y.subarray(0, 128).every((v, i) => i === 5 || v === 0)).toBe(true);
    const alpha = Math.fround(Math.fround(0.3) / 255);
    const off = Math.fround(-(2 ** (8 - bits) - 1) * alpha);
    expect(y.subarray(128).every((v, i) => i === 72 || v === off)).toBe(true);
  });
});
