/**
 * Properties every reference codec must have, on generated tensors: the encoded size the layout and the
 * derived bits/weight predict; decode(encode(x)) within the spec's bound on each source (roundTrip.maxNmse
 * on N(0,1), roundTrip.maxNmseBySource[source] on the others where the spec gives one, else maxNmse); and
 * encode(decode(encode(x))) = encode(x) where the spec claims idempotence (the differing-block count is
 * recorded either way, since "not idempotent" is only believable with a number next to it).
 */
import {
  compareBytes,
  encodeForSuite,
  type Format,
  generate,
  imatrixDetails,
  nmse,
  roundTripBound,
  ROUND_TRIP_TENSORS as SOURCES,
  sqnrDb,
} from '@qbench/core';
import { METRIC, type ResultRecord } from '@qbench/spec';
import { breathe, failed, measure, type Subject, verdict } from './records.ts';

export { ROUND_TRIP_TENSORS as SOURCES, TENSOR_ELEMENTS, tensorSize } from '@qbench/core';

/** Bytes the layout predicts for n elements in one row: whole blocks plus the side info it declares. */
export function layoutBytes(format: Format, n: number): number {
  const layout = format.spec.layout;
  let bits = Math.ceil(n / layout.blockElements) * layout.blockBytes * 8;
  for (const s of layout.sideInfo ?? []) {
    const each = (s.type === 'bits' ? (s.bits ?? 0) : fieldWidth(s.type)) * s.count;
    bits += s.per === 'tensor' || s.per === 'row' ? each : Math.ceil(n / s.per) * each;
  }
  return Math.ceil(bits / 8);
}

function fieldWidth(type: string): number {
  const m = /(\d+)$/.exec(type);
  if (m) return Number(m[1]);
  return type === 'e8m0' || type === 'e4m3' ? 8 : 0;
}

export async function sizeRecords(format: Format, s: Subject, n: number): Promise<ResultRecord[]> {
  try {
    const x = generate({ kind: 'gaussian' }, n, 0x512e);
    const q = encodeForSuite(format, x);
    const declared = format.reference.encodedBytes(n);
    const predicted = layoutBytes(format, n);
    const bpwBytes =
      (n * format.bitsPerWeight) / 8 +
      format.spec.derived.tensorOverheadBits / 8 +
      format.spec.derived.rowOverheadBits / 8;
    const measuredBpw =
      ((q.length - format.spec.derived.tensorOverheadBits / 8 - format.spec.derived.rowOverheadBits / 8) *
        8) /
      n;
    const ok = q.length === declared && q.length === predicted && Math.abs(q.length - bpwBytes) < 1;
    return [
      verdict(s, 'gaussian', METRIC.size, ok ? 'pass' : 'fail', {
        elements: n,
        encodedBytes: q.length,
        encodedBytesDeclared: declared,
        layoutBytes: predicted,
        bitsPerWeightBytes: bpwBytes,
        bitsPerWeight: format.bitsPerWeight,
        ...imatrixDetails(format),
      }),
      measure(s, 'gaussian', METRIC.bitsPerWeight, measuredBpw, 'bits', {
        derived: format.bitsPerWeight,
        elements: n,
        ...imatrixDetails(format),
      }),
    ];
  } catch (e) {
    return [failed(s, 'gaussian', METRIC.size, e)];
  }
}

export async function nmseRecords(
  format: Format,
  s: Subject,
  n: number,
  signal: AbortSignal,
): Promise<ResultRecord[]> {
  const out: ResultRecord[] = [];
  for (const { name, source, seed } of SOURCES) {
    const maxNmse = roundTripBound(format.spec.tolerance.roundTrip, name);
    await breathe(signal);
    try {
      const x = generate(source, n, seed);
      const y = format.reference.decode(encodeForSuite(format, x), n);
      const e = nmse(x, y);
      const run = { elements: n, seed, ...imatrixDetails(format) };
      out.push(measure(s, name, METRIC.nmse, e, 'ratio', run));
      out.push(measure(s, name, METRIC.sqnrDb, sqnrDb(x, y), 'dB', run));
      if (maxNmse === undefined) {
        out.push(
          verdict(s, name, METRIC.nmseWithinTolerance, 'skip', {
            reason: 'the spec gives no tolerance.roundTrip.maxNmse',
          }),
        );
      } else {
        out.push(
          verdict(s, name, METRIC.nmseWithinTolerance, e <= maxNmse ? 'pass' : 'fail', {
            nmse: e,
            maxNmse,
            bound: boundKey(format, name),
            ...imatrixDetails(format),
          }),
        );
      }
    } catch (e) {
      out.push(failed(s, name, METRIC.nmse, e));
    }
  }
  return out;
}

/** Which spec field bounds `source`: named in the verdict so a failure points at the number to re-derive. */
function boundKey(format: Format, source: string): string {
  const by = format.spec.tolerance.roundTrip?.maxNmseBySource as Record<string, number> | undefined;
  return by?.[source] === undefined ? 'roundTrip.maxNmse' : `roundTrip.maxNmseBySource.${source}`;
}

export async function idempotenceRecords(format: Format, s: Subject, n: number): Promise<ResultRecord[]> {
  try {
    const x = generate({ kind: 'gaussian' }, n, 0x1de0);
    const q1 = encodeForSuite(format, x);
    const q2 = encodeForSuite(format, format.reference.decode(q1, n));
    const blocks = Math.ceil(n / format.blockElements);
    // Formats with side info ahead of the blocks (per-tensor offsets) are compared bytewise from the end.
    const lead = q1.length - blocks * format.blockBytes;
    let differing = 0;
    if (q1.length === q2.length && lead >= 0) {
      for (let b = 0; b < blocks; b++) {
        const at = lead + b * format.blockBytes;
        for (let i = 0; i < format.blockBytes; i++) {
          if (q1[at + i] !== q2[at + i]) {
            differing++;
            break;
          }
        }
      }
    } else differing = blocks;
    const headerDiffers =
      lead > 0 && compareBytes(q1.subarray(0, lead), q2.subarray(0, lead), lead) !== undefined;
    const mismatch = compareBytes(q1, q2, format.blockBytes);
    const claim = format.spec.tolerance.roundTrip?.idempotent;
    const details = {
      blocks,
      differingBlocks: differing,
      sideInfoDiffers: headerDiffers,
      ...imatrixDetails(format),
      ...(mismatch ? { firstMismatch: mismatch } : {}),
    };
    const records = [measure(s, 'gaussian', METRIC.reencodeDifferingBlocks, differing, 'blocks', details)];
    if (claim === true) {
      records.push(
        verdict(s, 'gaussian', METRIC.idempotent, mismatch === undefined ? 'pass' : 'fail', details),
      );
    } else {
      records.push(
        verdict(s, 'gaussian', METRIC.idempotent, 'skip', {
          reason: 'the spec does not claim idempotence (roundTrip.idempotent is not true)',
          ...details,
        }),
      );
    }
    return records;
  } catch (e) {
    return [failed(s, 'gaussian', METRIC.idempotent, e)];
  }
}
