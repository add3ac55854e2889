/**
 * Block-by-block comparison for the oracle: which blocks differ, and where the first difference in each
 * is. Float32 outputs compare bit for bit with every NaN equal to every NaN (payloads are not compared,
 * per the golden rules); +0 and −0 are different.
 */

export interface BlockDiff {
  readonly block: number;
  /** Byte (encode) or element (decode) inside the block. */
  readonly offset: number;
  readonly expected: string;
  readonly got: string;
  /** How many bytes/elements of the block differ. */
  readonly count: number;
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

export function diffBytes(expected: Uint8Array, got: Uint8Array, blockBytes: number): BlockDiff[] {
  const out: BlockDiff[] = [];
  for (let o = 0; o < expected.length; o += blockBytes) {
    let first = -1;
    let count = 0;
    for (let i = o; i < o + blockBytes; i++) {
      if (expected[i] !== got[i]) {
        if (first < 0) first = i;
        count++;
      }
    }
    if (first >= 0)
      out.push({
        block: o / blockBytes,
        offset: first - o,
        expected: hex(expected[first]!),
        got: hex(got[first]!),
        count,
      });
  }
  return out;
}

function f32(bits: number, v: number): string {
  return `${Object.is(v, -0) ? '-0' : String(v)} (0x${(bits >>> 0).toString(16).padStart(8, '0')})`;
}

export function diffF32(expected: Float32Array, got: Float32Array, blockElements: number): BlockDiff[] {
  const eb = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const gb = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const out: BlockDiff[] = [];
  for (let o = 0; o < expected.length; o += blockElements) {
    let first = -1;
    let count = 0;
    for (let i = o; i < o + blockElements; i++) {
      if (eb[i] === gb[i] || (Number.isNaN(expected[i]!) && Number.isNaN(got[i]!))) continue;
      if (first < 0) first = i;
      count++;
    }
    if (first >= 0)
      out.push({
        block: o / blockElements,
        offset: first - o,
        expected: f32(eb[first]!, expected[first]!),
        got: f32(gb[first]!, got[first]!),
        count,
      });
  }
  return out;
}
