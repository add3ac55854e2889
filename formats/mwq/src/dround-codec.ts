/**
 * Double Rounding reference codec: encode = symmetric int8 master → second rounding to l bits (from the
 * master) → l bit planes of offset-binary codes; decode = planes → ŵ = s·(u·2^(8−l) − 128). Also the
 * loader path: an l-bit model from a PREFIX of the dround_8 stream (scales and the top l + 1 planes).
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { dequantizeSwitched, quantizeHigh, switchCodes } from './double-rounding.ts';
import { type DroundParams, droundParams } from './dround-spec.ts';
import { packPlanes, planeBytes, unpackPlanes } from './planes.ts';
import { sliceCode } from './slice.ts';

const SCALE_BYTES = 4;

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

function readScales(q: Uint8Array, groups: number, id: string): Float32Array {
  const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
  const scales = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    const s = view.getFloat32(SCALE_BYTES * g, true);
    if (!(s > 0) || !Number.isFinite(s)) {
      throw new QbenchError('mwq.scale', `${id}: group ${g} scale is ${s}; it must be finite and > 0`, {
        group: g,
      });
    }
    scales[g] = s;
  }
  return scales;
}

export class DroundCodec implements ReferenceCodec {
  readonly params: DroundParams;

  constructor(readonly spec: ResolvedSpec) {
    this.params = droundParams(spec);
  }

  encodedBytes(n: number): number {
    return SCALE_BYTES * groupsOf(n, this.params.groupSize, this.spec.id) + planeBytes(n) * this.params.bits;
  }

  encode(x: Float32Array, _options?: EncodeOptions): Uint8Array {
    const { masterBits, bits, groupSize } = this.params;
    const out = new Uint8Array(this.encodedBytes(x.length));
    const m = quantizeHigh(x, masterBits, groupSize, this.spec.id);
    const view = new DataView(out.buffer);
    for (let g = 0; g < m.scales.length; g++) view.setFloat32(SCALE_BYTES * g, m.scales[g]!, true);
    const codes = bits === masterBits ? m.codes : switchCodes(m.codes, masterBits, bits);
    out.set(packPlanes(codes, bits), SCALE_BYTES * m.scales.length);
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
    const { masterBits, bits, groupSize } = this.params;
    const groups = n / groupSize;
    const scales = readScales(q, groups, this.spec.id);
    const codes = unpackPlanes(q.subarray(SCALE_BYTES * groups), n, bits);
    return dequantizeSwitched(codes, masterBits, bits, scales, groupSize);
  }
}

/** Bytes of the dround_8 stream a loader reads for an l-bit model: the scales and the top l + 1 planes. */
export function droundPrefixBytes(n: number, l: number, groupSize = 128): number {
  const planes = Math.min(8, l + 1);
  return SCALE_BYTES * groupsOf(n, groupSize, 'dround_8') + planeBytes(n) * planes;
}

/** An l-bit model from a prefix of a dround_8 stream (bytes past droundPrefixBytes are not read). */
export function droundFromMasterPrefix(
  prefix: Uint8Array,
  n: number,
  l: number,
  groupSize = 128,
): Float32Array {
  const need = droundPrefixBytes(n, l, groupSize);
  if (prefix.length < need) {
    throw new QbenchError(
      'mwq.length',
      `a ${l}-bit switch of ${n} values needs the first ${need} bytes of the dround_8 master, got ${prefix.length}`,
      { expected: need, got: prefix.length },
    );
  }
  const groups = n / groupSize;
  const scales = readScales(prefix, groups, 'dround_8');
  const planes = Math.min(8, l + 1);
  const top = unpackPlanes(prefix.subarray(SCALE_BYTES * groups, need), n, 8, planes);
  // in offset binary the half-up second rounding is the round slice of the top planes (double-rounding.ts)
  const codes = new Uint8Array(n);
  for (let i = 0; i < n; i++) codes[i] = sliceCode(top[i]!, l, 'round', planes);
  return dequantizeSwitched(codes, 8, l, scales, groupSize);
}
