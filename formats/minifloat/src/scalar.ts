/**
 * Codec of a plain minifloat container (e4m3fn, e2m1, e3m4, …): one code per element, packed densely
 * (packing.ts). The spec's params are the ElementFormat's params.
 */
import type { EncodeOptions, ReferenceCodec, ResolvedSpec } from '@qbench/core';
import { checkBytes, checkCount, checkFinite } from './common.ts';
import { ElementFormat, type MinifloatParams } from './element.ts';
import { packCodes, packedBytes, unpackCodes } from './packing.ts';

export function scalarCodec(spec: ResolvedSpec): ReferenceCodec {
  const { id } = spec;
  const fmt = new ElementFormat((spec.params ?? {}) as Partial<MinifloatParams>);
  const encodedBytes = (n: number) => {
    checkCount(id, n);
    return packedBytes(n, fmt.bits);
  };
  return {
    encodedBytes,
    encode(x: Float32Array, options: EncodeOptions = {}) {
      if (options.nonFinite !== 'propagate') checkFinite(id, x, 1);
      const codes = new Uint16Array(x.length);
      for (let i = 0; i < x.length; i++) codes[i] = fmt.encode(x[i]!);
      return packCodes(codes, fmt.bits);
    },
    decode(q: Uint8Array, n: number) {
      checkBytes(id, q.length, encodedBytes(n), n);
      const codes = unpackCodes(q, fmt.bits, n);
      const y = new Float32Array(n);
      for (let i = 0; i < n; i++) y[i] = fmt.table[codes[i]!]!;
      return y;
    },
  };
}
