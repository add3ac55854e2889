/** Input checks shared by the family's codecs: every failure names the format, the element or block, expected vs got. */
import { QbenchError } from '@qbench/core';

export function checkWholeBlocks(id: string, n: number, blockElements: number): void {
  if (!Number.isInteger(n) || n < 0 || n % blockElements !== 0) {
    throw new QbenchError(
      'codec.length',
      `${id}: length ${n} is not a multiple of the block size ${blockElements}`,
      {
        format: id,
        expected: `multiple of ${blockElements}`,
        got: n,
      },
    );
  }
}

export function checkCount(id: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new QbenchError('codec.length', `${id}: element count must be a non-negative integer, got ${n}`, {
      format: id,
      got: n,
    });
  }
}

export function checkBytes(id: string, got: number, expected: number, n: number): void {
  if (got !== expected) {
    throw new QbenchError('codec.bytes', `${id}: ${n} elements need ${expected} bytes, got ${got}`, {
      format: id,
      expected,
      got,
    });
  }
}

/** Throws on the first NaN/±Inf, naming its index and block. */
export function checkFinite(id: string, x: Float32Array, blockElements: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new QbenchError(
        'codec.nonfinite',
        `${id}: element ${i} (block ${Math.floor(i / blockElements)}) is ${x[i]}; pass nonFinite: 'propagate' to get the spec's NaN/Inf behaviour`,
        { format: id, index: i, block: Math.floor(i / blockElements), got: x[i] },
      );
    }
  }
}
