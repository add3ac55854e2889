/**
 * NaN and ±inf in plain floating-point tensors (f32, f16, bf16, f64). A non-finite weight poisons every
 * activation it touches (one NaN in an embedding row turns that token's whole forward pass into NaN), and
 * no quantizer or training run produces one on purpose. Streamed in chunks of whole elements; memory is
 * one chunk. Reported per tensor: the first element index and the count.
 */
import type { FindingSink } from './findings.ts';
import { type GgufTensorInfo, printable } from './parse.ts';
import type { ByteSource } from './source.ts';

/** Element width and "exponent all ones" test per float type, by ggml id. */
const FLOAT_TYPES: ReadonlyMap<number, { bytes: number; nonFinite: (v: DataView, at: number) => boolean }> =
  new Map([
    [0, { bytes: 4, nonFinite: (v, at) => (v.getUint32(at, true) & 0x7f800000) === 0x7f800000 }],
    [1, { bytes: 2, nonFinite: (v, at) => (v.getUint16(at, true) & 0x7c00) === 0x7c00 }],
    [28, { bytes: 8, nonFinite: (v, at) => (v.getUint32(at + 4, true) & 0x7ff00000) === 0x7ff00000 }],
    [30, { bytes: 2, nonFinite: (v, at) => (v.getUint16(at, true) & 0x7f80) === 0x7f80 }],
  ]);

export function isFloatTensor(t: GgufTensorInfo): boolean {
  return t.type !== undefined && FLOAT_TYPES.has(t.type.id);
}

/**
 * Scan one float tensor whose data starts at absolute offset `start`, reading at most `budget` bytes.
 * Returns the bytes read (the caller's content budget shrinks by it).
 */
export async function checkFloatTensor(
  t: GgufTensorInfo,
  start: number,
  src: ByteSource,
  sink: FindingSink,
  budget: number,
  chunkBytes: number,
): Promise<{ bytesRead: number; complete: boolean }> {
  const kind = FLOAT_TYPES.get(t.type!.id)!;
  const w = kind.bytes;
  const total = Number(t.nbytes) / w;
  const perChunk = Math.max(1, Math.floor(chunkBytes / w));
  let nan = 0;
  let inf = 0;
  let first = -1;
  let firstKind = '';
  let done = 0;
  while (done < total && (done + 1) * w <= budget) {
    const n = Math.min(perChunk, total - done, Math.floor(budget / w) - done);
    const chunk = await src.read(start + done * w, n * w);
    if (chunk.length < n * w) break; // the layout check already reported a short file
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i < n; i++) {
      if (!kind.nonFinite(view, i * w)) continue;
      // Mantissa all zero = infinity; anything else = NaN (top mantissa bits differ per type, so test all).
      const isInf = isInfinity(view, i * w, t.type!.id);
      if (isInf) inf++;
      else nan++;
      if (first < 0) {
        first = done + i;
        firstKind = isInf ? 'inf' : 'NaN';
      }
    }
    done += n;
  }
  if (first >= 0) {
    const dims = t.dims.map(String);
    sink.add(
      'content.nonfinite',
      start + first * w,
      `tensor '${printable(t.name)}' (${t.type!.name}, [${dims.join(', ')}]): ${nan} NaN and ${inf} infinite of ${done} elements; first at element ${first} (${firstKind}${rowCol(first, t.dims)})`,
      { tensor: t.name, length: w },
    );
  }
  return { bytesRead: done * w, complete: done === total };
}

function isInfinity(v: DataView, at: number, id: number): boolean {
  if (id === 0) return (v.getUint32(at, true) & 0x007fffff) === 0;
  if (id === 1) return (v.getUint16(at, true) & 0x03ff) === 0;
  if (id === 30) return (v.getUint16(at, true) & 0x007f) === 0;
  return (v.getUint32(at + 4, true) & 0x000fffff) === 0 && v.getUint32(at, true) === 0;
}

/** ", row r col c" for a 2-D tensor (ggml dims are innermost first: ne0 = row length). */
function rowCol(index: number, dims: readonly bigint[]): string {
  if (dims.length !== 2 || dims[0]! <= 0n) return '';
  const ne0 = Number(dims[0]);
  return `, row ${Math.floor(index / ne0)} column ${index % ne0}`;
}
