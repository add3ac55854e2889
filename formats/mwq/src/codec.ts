/**
 * MWQ reference codec: encode = int8 master → slice to r bits (from the master) → r bit planes; decode =
 * planes → ŵ = α·(S·2^(8−r) − z). Also the loader path: an r-bit model straight from a PREFIX of the
 * master stream (scales, zeros and the top r + 1 planes for round, r planes for truncate).
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { MASTER_BITS, type Master, quantizeMaster } from './master.ts';
import { packPlanes, planeBytes, unpackPlanes } from './planes.ts';
import { dequantizeSlice, type SliceMode, sliceCode, sliceCodes } from './slice.ts';
import { type MwqParams, mwqParams } from './spec.ts';

const SIDE_BYTES_PER_GROUP = 5;

function groupsOf(n: number, groupSize: number, id: string): number {
  if (!Number.isInteger(n) || n < 0 || n % groupSize !== 0) {
    throw new QbenchError(
      'mwq.length',
      `${id}: ${n} values is not a whole number of ${groupSize}-value groups`,
      { n, groupSize },
    );
  }
  return n / groupSize;
}

function writeSide(out: Uint8Array, m: Pick<Master, 'scales' | 'zeros'>): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const g = m.scales.length;
  for (let i = 0; i < g; i++) view.setFloat32(4 * i, m.scales[i]!, true);
  out.set(m.zeros, 4 * g);
}

function readSide(q: Uint8Array, groups: number, id: string): { scales: Float32Array; zeros: Uint8Array } {
  const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const scales = new Float32Array(groups);
  for (let i = 0; i < groups; i++) {
    const s = view.getFloat32(4 * i, true);
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new QbenchError('mwq.scale', `${id}: group ${i} scale is ${s}; it must be finite and > 0`, {
        group: i,
      });
    }
    scales[i] = s;
  }
  return { scales, zeros: q.slice(4 * groups, 5 * groups) };
}

export class MwqCodec implements ReferenceCodec {
  readonly params: MwqParams;

  constructor(readonly spec: ResolvedSpec) {
    this.params = mwqParams(spec);
  }

  encodedBytes(n: number): number {
    return (
      SIDE_BYTES_PER_GROUP * groupsOf(n, this.params.groupSize, this.spec.id) +
      planeBytes(n) * this.params.bits
    );
  }

  encode(x: Float32Array, _options?: EncodeOptions): Uint8Array {
    const m = quantizeMaster(x, this.params.groupSize, this.spec.id);
    const codes =
      this.params.bits === MASTER_BITS ? m.codes : sliceCodes(m.codes, this.params.bits, this.params.slice);
    const out = new Uint8Array(this.encodedBytes(x.length));
    writeSide(out, m);
    out.set(packPlanes(codes, this.params.bits), SIDE_BYTES_PER_GROUP * m.scales.length);
    return out;
  }

  decode(q: Uint8Array, n: number): Float32Array {
    const expected = this.encodedBytes(n);
    if (q.length !== expected) {
      throw new QbenchError(
        'mwq.length',
        `${this.spec.id}: ${n} values need ${expected} bytes, got ${q.length}`,
        {
          expected,
          got: q.length,
        },
      );
    }
    const groups = n / this.params.groupSize;
    const { scales, zeros } = readSide(q, groups, this.spec.id);
    const codes = unpackPlanes(q.subarray(SIDE_BYTES_PER_GROUP * groups), n, this.params.bits);
    return dequantizeSlice(codes, this.params.bits, scales, zeros, this.params.groupSize);
  }
}

/** Bytes of the master (mwq_8) stream a loader must read for an r-bit model: side info + top planes. */
export function masterPrefixBytes(n: number, r: number, mode: SliceMode, groupSize = 128): number {
  const planes = mode === 'round' && r < MASTER_BITS ? r + 1 : r;
  return SIDE_BYTES_PER_GROUP * groupsOf(n, groupSize, 'mwq_8') + planeBytes(n) * planes;
}

/**
 * Dequantize an r-bit model from a prefix of an mwq_8 stream (anything past masterPrefixBytes is not
 * read). Round half up needs one plane below the r kept bits; that plane's bit is the round bit.
 */
export function decodeFromMasterPrefix(
  prefix: Uint8Array,
  n: number,
  r: number,
  mode: SliceMode,
  groupSize = 128,
): Float32Array {
  const need = masterPrefixBytes(n, r, mode, groupSize);
  if (prefix.length < need) {
    throw new QbenchError(
      'mwq.length',
      `an r=${r} ${mode} slice of ${n} values needs the first ${need} bytes of the master, got ${prefix.length}`,
      {
        expected: need,
        got: prefix.length,
      },
    );
  }
  const groups = n / groupSize;
  const { scales, zeros } = readSide(prefix, groups, 'mwq_8');
  const planes = mode === 'round' && r < MASTER_BITS ? r + 1 : r;
  const top = unpackPlanes(prefix.subarray(SIDE_BYTES_PER_GROUP * groups, need), n, MASTER_BITS, planes);
  // `top` holds the code's top `planes` bits; slicing that (planes-bit) value gives the same S as slicing q.
  const sliced = new Uint8Array(n);
  for (let i = 0; i < n; i++) sliced[i] = sliceCode(top[i]!, r, mode, planes);
  return dequantizeSlice(sliced, r, scales, zeros, groupSize);
}
