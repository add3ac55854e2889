/**
 * Turns a GgmlTypeImpl into the family-independent ReferenceCodec: checks lengths and non-finite input,
 * splits rows, and runs dot the way ggml's matmul does (quantize the activation row to the partner type,
 * then vec_dot).
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import type { GgmlTypeImpl } from './reference/types.ts';

export function checkWholeBlocks(id: string, n: number, blockElements: number, what = 'input'): void {
  if (!Number.isInteger(n) || n < 0 || n % blockElements !== 0) {
    throw new QbenchError(
      'codec.length',
      `${id}: ${what} length ${n} is not a multiple of the block size ${blockElements}`,
      { format: id, expected: `multiple of ${blockElements}`, got: n },
    );
  }
}

export function checkFinite(id: string, x: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new QbenchError(
        'codec.nonfinite',
        `${id}: input element ${i} is ${x[i]}; pass nonFinite: 'propagate' to reproduce what the reference does with it`,
        { format: id, index: i },
      );
    }
  }
}

export function ggmlCodec(
  spec: ResolvedSpec,
  impl: GgmlTypeImpl,
  partner: (id: string) => GgmlTypeImpl | undefined,
): ReferenceCodec {
  const { id } = spec;
  const be = impl.blockElements;
  const bb = impl.blockBytes;
  const encodedBytes = (n: number) => {
    checkWholeBlocks(id, n, be);
    return (n / be) * bb;
  };
  return {
    encodedBytes,
    encode(x: Float32Array, options: EncodeOptions = {}) {
      const nPerRow = options.nPerRow ?? x.length;
      checkWholeBlocks(id, nPerRow, be, 'row');
      if (x.length % nPerRow !== 0) {
        throw new QbenchError(
          'codec.length',
          `${id}: input length ${x.length} is not a multiple of the row length ${nPerRow}`,
        );
      }
      // Input validation first: a non-finite element is an error in x whatever else is missing.
      if (options.nonFinite !== 'propagate') checkFinite(id, x);
      if (options.imatrix && options.imatrix.length !== nPerRow) {
        throw new QbenchError(
          'codec.imatrix',
          `${id}: importance matrix has ${options.imatrix.length} values, expected one per column (${nPerRow})`,
        );
      }
      if (impl.requiresImatrix && !options.imatrix) {
        throw new QbenchError(
          'codec.imatrix-required',
          `${id}: ggml's quantizer requires an importance matrix (ggml_quantize_requires_imatrix); pass one value per column (${nPerRow})`,
          { format: id },
        );
      }
      const rowBytes = (nPerRow / be) * bb;
      const q = new Uint8Array((x.length / nPerRow) * rowBytes);
      for (let r = 0; r * nPerRow < x.length; r++) {
        impl.quantizeRow(
          x.subarray(r * nPerRow, (r + 1) * nPerRow),
          q.subarray(r * rowBytes, (r + 1) * rowBytes),
          options.imatrix,
        );
      }
      return q;
    },
    decode(q: Uint8Array, n: number) {
      const expected = encodedBytes(n);
      if (q.length !== expected) {
        throw new QbenchError('codec.bytes', `${id}: ${n} elements need ${expected} bytes, got ${q.length}`, {
          format: id,
          expected,
          got: q.length,
        });
      }
      const y = new Float32Array(n);
      impl.dequantizeRow(q, y);
      return y;
    },
    ...(impl.vecDot && impl.vecDotType
      ? {
          dot(q: Uint8Array, y: Float32Array) {
            const n = y.length;
            const expected = encodedBytes(n);
            if (q.length !== expected) {
              throw new QbenchError(
                'codec.bytes',
                `${id}: a row of ${n} elements needs ${expected} bytes, got ${q.length}`,
              );
            }
            const p = partner(impl.vecDotType!);
            if (!p)
              throw new QbenchError(
                'codec.partner',
                `${id}: partner type ${impl.vecDotType} is not implemented`,
              );
            checkWholeBlocks(p.name, n, p.blockElements, 'activation');
            const yq = new Uint8Array((n / p.blockElements) * p.blockBytes);
            p.quantizeRow(y, yq);
            return impl.vecDot!(q, yq, n);
          },
        }
      : {}),
  };
}
