/** ReferenceCodecs for plain BFP (blocks in input order) and K-sorted BFP (channels permuted first). */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { type BfpParams, blockBytes, checkBfpParams, decodeBfpBlock, encodeBfpBlock } from './block.ts';
import { magnitudePermutation, permutationBytes, readPermutation, writePermutation } from './ksort.ts';

function lengthError(id: string, n: number, unit: number, what: string): QbenchError {
  return new QbenchError('codec.length', `${id}: length ${n} is not a multiple of the ${what} ${unit}`, {
    format: id,
    expected: `multiple of ${unit}`,
    got: n,
  });
}

function checkFinite(id: string, x: Float32Array, blockSize: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new QbenchError(
        'codec.nonfinite',
        `${id}: element ${i} (block ${Math.floor(i / blockSize)}) is ${x[i]}; pass nonFinite: 'propagate' to get a NaN block`,
        { format: id, index: i, got: x[i] },
      );
    }
  }
}

function checkBytes(id: string, got: number, expected: number, n: number): void {
  if (got !== expected) {
    throw new QbenchError('codec.bytes', `${id}: ${n} elements need ${expected} bytes, got ${got}`, {
      format: id,
      expected,
      got,
    });
  }
}

export function bfpParamsOf(spec: ResolvedSpec): BfpParams {
  const p = spec.params ?? {};
  const params = checkBfpParams(
    {
      blockSize: p['blockSize'] as number,
      mbits: p['mbits'] as number,
      rounding: p['rounding'] as BfpParams['rounding'],
    },
    spec.id,
  );
  if (params.blockSize !== spec.layout.blockElements || blockBytes(params) !== spec.layout.blockBytes) {
    throw new QbenchError(
      'bfp.layout',
      `${spec.id}: params give ${blockBytes(params)} bytes per ${params.blockSize}, layout says ${spec.layout.blockBytes} per ${spec.layout.blockElements}`,
    );
  }
  return params;
}

export function bfpCodec(spec: ResolvedSpec): ReferenceCodec {
  const { id } = spec;
  const p = bfpParamsOf(spec);
  const bb = blockBytes(p);
  const channels = spec.params?.['channels'];
  if (
    channels !== undefined &&
    (!Number.isInteger(channels) || (channels as number) % p.blockSize !== 0 || (channels as number) > 65536)
  ) {
    throw new QbenchError(
      'bfp.params',
      `${id}: channels must be a multiple of the block size ${p.blockSize} up to 65536, got ${String(channels)}`,
    );
  }
  const c = channels as number | undefined;
  const header = c === undefined ? 0 : permutationBytes(c);
  const unit = c ?? p.blockSize;
  const encodedBytes = (n: number) => {
    if (!Number.isInteger(n) || n < 0 || n % unit !== 0)
      throw lengthError(id, n, unit, c ? 'channel count' : 'block size');
    return header + (n / p.blockSize) * bb;
  };
  return {
    encodedBytes,
    encode(x: Float32Array, options: EncodeOptions = {}) {
      const out = new Uint8Array(encodedBytes(x.length));
      if (options.nonFinite !== 'propagate') checkFinite(id, x, p.blockSize);
      if (c === undefined) {
        for (let b = 0; b * p.blockSize < x.length; b++) {
          encodeBfpBlock(p, x.subarray(b * p.blockSize, (b + 1) * p.blockSize), out, b * bb);
        }
        return out;
      }
      const perm = magnitudePermutation(x, c);
      writePermutation(perm, out);
      const row = new Float32Array(c);
      const blocksPerRow = c / p.blockSize;
      for (let r = 0; r * c < x.length; r++) {
        for (let j = 0; j < c; j++) row[j] = x[r * c + perm[j]!]!;
        for (let b = 0; b < blocksPerRow; b++) {
          encodeBfpBlock(p, row.subarray(b * p.blockSize), out, header + (r * blocksPerRow + b) * bb);
        }
      }
      return out;
    },
    decode(q: Uint8Array, n: number) {
      checkBytes(id, q.length, encodedBytes(n), n);
      const y = new Float32Array(n);
      if (c === undefined) {
        for (let b = 0; b * p.blockSize < n; b++) decodeBfpBlock(p, q, b * bb, y, b * p.blockSize);
        return y;
      }
      const perm = readPermutation(q, c, id);
      const row = new Float32Array(c);
      const blocksPerRow = c / p.blockSize;
      for (let r = 0; r * c < n; r++) {
        for (let b = 0; b < blocksPerRow; b++)
          decodeBfpBlock(p, q, header + (r * blocksPerRow + b) * bb, row, b * p.blockSize);
        for (let j = 0; j < c; j++) y[r * c + perm[j]!] = row[j]!;
      }
      return y;
    },
  };
}
