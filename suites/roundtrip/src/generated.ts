/**
 * Conformance on generated cases: the block counts every kernel is checked on (1, 2, 3, 7, 31, 33, 257),
 * inputs at unaligned byte offsets, and determinism. For the reference codec this checks shapes (encoded
 * length = encodedBytes, decoded length = n), that encoding twice gives the same bytes, and that decoding
 * from a view at an odd byte offset gives the same values (a codec reading `.buffer` without `byteOffset`
 * fails here). Other kernels, once a kernel registry exists, are compared with the reference on the same cases.
 */
import {
  compareBytes,
  compareF32,
  describeMismatch,
  encodeForSuite,
  type Format,
  generate,
  imatrixDetails,
  isQbenchError,
} from '@qbench/core';
import { METRIC, type ResultRecord } from '@qbench/spec';
import { breathe, errorText, type Subject, verdict } from './records.ts';

export const BLOCK_COUNTS = [1, 2, 3, 7, 31, 33, 257] as const;

export async function generatedRecords(
  format: Format,
  s: Subject,
  quick: boolean,
  signal: AbortSignal,
): Promise<ResultRecord[]> {
  const counts = quick ? BLOCK_COUNTS.filter((k) => k <= 33) : BLOCK_COUNTS;
  const problems: string[] = [];
  // A shape the codec refuses with a length error (e.g. a format whose rows must hold 128 channels) is an
  // unsupported shape: a visible skip, not a failure.
  const unsupported: string[] = [];
  let cases = 0;
  for (const k of counts) {
    await breathe(signal);
    const n = k * format.blockElements;
    const where = `${k} block${k === 1 ? '' : 's'}`;
    try {
      const x = generate({ kind: 'gaussian' }, n, 0x9e2 + k);
      const q = encodeForSuite(format, x);
      const want = format.reference.encodedBytes(n);
      if (q.length !== want)
        problems.push(`${where}: encode gave ${q.length} bytes, encodedBytes says ${want}`);
      const again = encodeForSuite(format, Float32Array.from(x));
      const em = compareBytes(q, again, format.blockBytes);
      if (em) problems.push(`${where}: encoding twice differs: ${describeMismatch(em)}`);
      const y = format.reference.decode(q, n);
      if (y.length !== n) problems.push(`${where}: decode gave ${y.length} values, expected ${n}`);
      const shifted = new Uint8Array(q.length + 1);
      shifted.set(q, 1);
      const y2 = format.reference.decode(shifted.subarray(1), n);
      const dm = compareF32(y, y2, format.blockElements);
      if (dm) problems.push(`${where}: decode at byte offset 1 differs: ${describeMismatch(dm)}`);
      const xs = new Float32Array(n + 1);
      xs.set(x, 1);
      const q3 = encodeForSuite(format, xs.subarray(1));
      const um = compareBytes(q, q3, format.blockBytes);
      if (um)
        problems.push(`${where}: encode of an input at element offset 1 differs: ${describeMismatch(um)}`);
      cases++;
    } catch (e) {
      if (isQbenchError(e) && e.code === 'codec.length') unsupported.push(`${where}: ${e.message}`);
      else {
        cases++;
        problems.push(`${where}: ${errorText(e)}`);
      }
    }
  }
  const v = problems.length > 0 ? 'fail' : cases > 0 ? 'pass' : 'skip';
  return [
    verdict(s, 'generated', METRIC.generated, v, {
      blockCounts: [...counts],
      cases,
      ...imatrixDetails(format),
      ...(unsupported.length > 0 ? { unsupported } : {}),
      ...(cases === 0 ? { reason: 'the codec refuses every generated shape' } : {}),
      ...(problems.length > 0 ? { firstFailure: problems[0], failures: problems.length } : {}),
    }),
  ];
}
