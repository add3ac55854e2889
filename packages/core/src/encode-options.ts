/**
 * Encode options for test data of a spec whose home quantizer requires an importance matrix
 * (params.requiresImatrix: ggml's iq2_xxs, iq2_xs, iq1_s refuse to quantize without one): a uniform
 * imatrix, one 1.0 per column, the least informative matrix ggml accepts. Every other spec gets none.
 */

import type { ResolvedSpec } from './spec.ts';
import type { EncodeOptions } from './traits.ts';

export function uniformImatrixFor(spec: ResolvedSpec, nPerRow: number): Float32Array | undefined {
  return spec.params?.['requiresImatrix'] === true ? new Float32Array(nPerRow).fill(1) : undefined;
}

/** `{ nPerRow }` plus, where the spec requires one, the uniform imatrix of uniformImatrixFor. */
export function testEncodeOptions(spec: ResolvedSpec, nPerRow: number): EncodeOptions {
  const imatrix = uniformImatrixFor(spec, nPerRow);
  return imatrix ? { nPerRow, imatrix } : { nPerRow };
}
