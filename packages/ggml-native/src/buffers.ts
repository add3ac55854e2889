/**
 * Size checks before every native call: ggml trusts its pointers, so a buffer one block short would be an
 * out-of-bounds write inside the library. Each check names the call, the type and expected vs got.
 */
import { QbenchError } from '@qbench/core';

export function checkLength(call: string, what: string, got: number, expected: number): void {
  if (got < expected)
    throw new QbenchError('native.buffer', `${call}: ${what} holds ${got}, needs at least ${expected}`, {
      call,
      expected,
      got,
    });
}
