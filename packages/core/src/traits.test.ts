/** The suites' one imatrix policy (encodeOptionsFor): what each kind of format gets, and what the record says. */
import { describe, expect, it } from 'vitest';
import { FORMAT_SPECS } from './generated/registry.ts';
import { encodeOptionsFor, imatrixDetails, requiresImatrix, UNIFORM_IMATRIX_NOTE } from './traits.ts';

const required = { spec: FORMAT_SPECS.iq2_xxs };
const optional = { spec: FORMAT_SPECS.q4_k };

describe('encodeOptionsFor', () => {
  it('reads the requirement from the spec (params.requiresImatrix)', () => {
    expect(requiresImatrix(required)).toBe(true);
    expect(requiresImatrix(optional)).toBe(false);
  });

  it('passes the options through for a format that does not require an imatrix', () => {
    const options = { nPerRow: 512 };
    const r = encodeOptionsFor(optional, 1024, options);
    expect(r.options).toBe(options);
    expect(r.details).toEqual({});
    expect(imatrixDetails(optional)).toEqual({});
  });

  it('gives a format that requires one a uniform imatrix, one 1 per column of the row, and says so', () => {
    const r = encodeOptionsFor(required, 1024, { nPerRow: 512 });
    expect(r.options.nPerRow).toBe(512);
    expect(Array.from(r.options.imatrix!)).toEqual(new Array(512).fill(1));
    expect(r.details).toEqual({ imatrix: UNIFORM_IMATRIX_NOTE });
    expect(imatrixDetails(required)).toEqual({ imatrix: UNIFORM_IMATRIX_NOTE });
    expect(encodeOptionsFor(required, 256).options.imatrix!.length).toBe(256);
  });

  it('prefers the activation statistics a suite has, and keeps an imatrix the caller gave', () => {
    const stats = new Float32Array(256).fill(2);
    const r = encodeOptionsFor(required, 256, {}, { imatrix: () => stats, note: 'activations' });
    expect(r.options.imatrix).toBe(stats);
    expect(r.details).toEqual({ imatrix: 'activations' });
    const given = new Float32Array(256).fill(3);
    const g = encodeOptionsFor(
      required,
      256,
      { imatrix: given },
      { imatrix: () => stats, note: 'activations' },
    );
    expect(g.options.imatrix).toBe(given);
    expect(g.details).toEqual({});
    expect(imatrixDetails(required, { imatrix: given })).toEqual({});
  });
});
