/**
 * The properties every gguf type's reference codec has, for every gguf format in the generated registry (a
 * new spec is covered without editing this file): decode(encode(x)) within the spec's bound on each of the
 * round-trip sources (roundTrip.maxNmse on N(0,1), maxNmseBySource on the others, measured on these very
 * tensors; error 0 and identical bytes where the spec is lossless; a type that requires an importance matrix
 * encoded with the suites' uniform one), deterministic block-by-block encoding, the imatrix read exactly where the spec's readsImatrix says, idempotence exactly where the spec promises it, whole-block
 * lengths and non-finite input rejected with errors that name the problem (test-support.ts).
 */
import {
  FORMAT_IDS,
  FORMAT_SPECS,
  generate,
  loadFormat,
  ROUND_TRIP_TENSORS,
  roundTripBound,
  TENSOR_ELEMENTS,
  tensorSize,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { expectRoundTrip, itHandlesImatrix, itHasCodecProperties } from './test-support.ts';

const GGUF_IDS = FORMAT_IDS.filter((id) => FORMAT_SPECS[id].family === 'gguf');

it('covers every gguf spec in the registry, q4_0 and q8_0 included', () => {
  expect(GGUF_IDS).toEqual(expect.arrayContaining(['q4_0', 'q8_0', 'q4_k', 'mxfp4']));
  expect(GGUF_IDS.length).toBeGreaterThanOrEqual(17);
});

describe.each(GGUF_IDS)('%s reference codec', (id) => {
  itHasCodecProperties(id);
  itHandlesImatrix(id);

  it.each(ROUND_TRIP_TENSORS.map((s) => [s.name, s] as const))(
    'round-trips the %s tensor within the spec bound for that source',
    async (_name, { name, source, seed }) => {
      const f = await loadFormat(id);
      const bound = roundTripBound(f.spec.tolerance.roundTrip, name);
      expect(bound, `${id} states a round-trip bound`).toBeDefined();
      const n = tensorSize(f, TENSOR_ELEMENTS.quick);
      expectRoundTrip(f, generate(source, n, seed), bound!);
    },
  );
});
