/**
 * The PVQ weight codec (reference). Stream: gainMax (float32 LE) then blocks of G groups of D weights;
 * each block is an LSB-first bit stream of G gain codes followed by G fixed-length CWRS indices.
 *
 * Per group (after the optional block rotation), all in float32:
 *   a = max|w|; w' = w/a; n = √Σw'²; u = w'/n          (CELT searches unit-norm vectors)
 *   y = op_pvq_search(u, K)                              (Σ|y| = K)
 *   g = a·((Σ w'_j·y_j)/√Σy²)                            (least-squares gain, ≥ 0)
 * then per tensor gainMax = max g, c = min(L, ⌊g·(L/gainMax) + ½⌋) with L = 2^b − 1, and decode gives
 *   ŵ_j = y_j·(ĝ/√Σy²), ĝ = c·(gainMax/L).
 */
import {
  BitReader,
  BitWriter,
  type EncodeOptions,
  QbenchError,
  type ReferenceCodec,
  type ResolvedSpec,
} from '@qbench/core';
import { Pyramid } from './cwrs.ts';
import { HadamardRotation } from './hadamard.ts';
import { pvqSearch } from './search.ts';
import { type PvqParams, pvqParams } from './spec.ts';

const f = Math.fround;
const HEADER_BYTES = 4;

function writeBig(w: BitWriter, value: bigint, width: number): void {
  let v = value;
  for (let left = width; left > 0; ) {
    const take = Math.min(8, left);
    w.write(Number(v & ((1n << BigInt(take)) - 1n)), take);
    v >>= BigInt(take);
    left -= take;
  }
}

function readBig(r: BitReader, width: number): bigint {
  let v = 0n;
  for (let done = 0; done < width; ) {
    const take = Math.min(8, width - done);
    v |= BigInt(r.read(take)) << BigInt(done);
    done += take;
  }
  return v;
}

/** The group's unit-norm direction (into `u`) and its scale a = max|w|; a = 0 leaves u at zero. */
function normalise(w: Float32Array, u: Float32Array): number {
  let a = 0;
  for (let j = 0; j < w.length; j++) a = Math.max(a, Math.abs(w[j]!));
  if (a === 0) {
    u.fill(0);
    return 0;
  }
  let ss = 0;
  for (let j = 0; j < w.length; j++) {
    u[j] = w[j]! / a;
    ss = f(ss + f(u[j]! * u[j]!));
  }
  const n = f(Math.sqrt(ss));
  for (let j = 0; j < w.length; j++) u[j] = u[j]! / n;
  return a;
}

export class PvqCodec implements ReferenceCodec {
  readonly params: PvqParams;
  readonly pyramid: Pyramid;
  private readonly blockElements: number;
  private readonly blockBytes: number;
  private readonly rotation: HadamardRotation | undefined;
  private readonly levels: number;

  constructor(readonly spec: ResolvedSpec) {
    this.params = pvqParams(spec);
    const { groupSize: d, pulses: k, gainBits, indexBits, groupsPerBlock: g } = this.params;
    this.pyramid = new Pyramid(d, k);
    this.blockElements = g * d;
    this.blockBytes = gainBits + indexBits; // g = 8 groups: 8·(b + B) bits
    if (spec.layout.blockBytes !== this.blockBytes) {
      throw new QbenchError(
        'pvq.spec',
        `${spec.id}: blockBytes is ${spec.layout.blockBytes}, expected ${this.blockBytes}`,
      );
    }
    this.rotation =
      this.params.rotation === 'hadamard'
        ? new HadamardRotation(this.blockElements, this.params.rotationSeed ?? 0)
        : undefined;
    this.levels = 2 ** gainBits - 1;
  }

  private blocks(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n % this.blockElements !== 0) {
      throw new QbenchError(
        'pvq.length',
        `${this.spec.id}: ${n} values is not a whole number of ${this.blockElements}-value blocks (${this.params.groupsPerBlock} groups of ${this.params.groupSize})`,
        { n, blockElements: this.blockElements },
      );
    }
    return n / this.blockElements;
  }

  encodedBytes(n: number): number {
    return HEADER_BYTES + this.blocks(n) * this.blockBytes;
  }

  encode(x: Float32Array, _options?: EncodeOptions): Uint8Array {
    const nb = this.blocks(x.length);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]!)) {
        throw new QbenchError(
          'pvq.nonfinite',
          `${this.spec.id}: element ${i} is ${x[i]}; PVQ needs finite weights`,
          { index: i },
        );
      }
    }
    const { groupSize: d, pulses: k, groupsPerBlock: g } = this.params;
    const groups = nb * g;
    const pulses = new Int32Array(groups * d);
    const gains = new Float32Array(groups);
    const blk = new Float32Array(this.blockElements);
    const u = new Float32Array(d);
    for (let b = 0; b < nb; b++) {
      const src = x.subarray(b * this.blockElements, (b + 1) * this.blockElements);
      if (this.rotation) this.rotation.forward(src, blk);
      else blk.set(src);
      for (let t = 0; t < g; t++) {
        const gi = b * g + t;
        const w = blk.subarray(t * d, (t + 1) * d);
        const a = normalise(w, u);
        const iy = pulses.subarray(gi * d, (gi + 1) * d);
        const { yy } = pvqSearch(u, k, iy);
        if (a === 0) continue; // gain 0 whatever the pulses are
        let dot = 0;
        for (let j = 0; j < d; j++) dot = f(dot + f(f(w[j]! / a) * iy[j]!));
        const gain = f(a * f(dot / f(Math.sqrt(yy))));
        if (!Number.isFinite(gain)) {
          throw new QbenchError(
            'pvq.overflow',
            `${this.spec.id}: the gain of group ${gi} overflows float32`,
            { group: gi },
          );
        }
        gains[gi] = gain;
      }
    }
    let gainMax = 0;
    for (let i = 0; i < groups; i++) gainMax = Math.max(gainMax, gains[i]!);
    const out = new Uint8Array(this.encodedBytes(x.length));
    new DataView(out.buffer).setFloat32(0, gainMax, true);
    const inv = gainMax > 0 ? f(this.levels / gainMax) : 0;
    for (let b = 0; b < nb; b++) {
      const off = HEADER_BYTES + b * this.blockBytes;
      const w = new BitWriter(out.subarray(off, off + this.blockBytes));
      for (let t = 0; t < g; t++) {
        const c = Math.min(this.levels, Math.floor(f(gains[b * g + t]! * inv) + 0.5));
        writeBig(w, BigInt(c), this.params.gainBits);
      }
      for (let t = 0; t < g; t++) {
        const gi = b * g + t;
        writeBig(w, this.pyramid.encode(pulses.subarray(gi * d, (gi + 1) * d)), this.params.indexBits);
      }
    }
    return out;
  }

  decode(q: Uint8Array, n: number): Float32Array {
    const expected = this.encodedBytes(n);
    if (q.length !== expected) {
      throw new QbenchError(
        'pvq.length',
        `${this.spec.id}: ${n} values need ${expected} bytes, got ${q.length}`,
        {
          expected,
          got: q.length,
        },
      );
    }
    const gainMax = new DataView(q.buffer, q.byteOffset, q.byteLength).getFloat32(0, true);
    if (!(gainMax >= 0) || !Number.isFinite(gainMax)) {
      throw new QbenchError('pvq.gain', `${this.spec.id}: gainMax is ${gainMax}; it must be finite and ≥ 0`);
    }
    const { groupSize: d, groupsPerBlock: g } = this.params;
    const step = f(gainMax / this.levels);
    const out = new Float32Array(n);
    const codes = new Uint32Array(g);
    const iy = new Int32Array(d);
    for (let b = 0; b < n / this.blockElements; b++) {
      const off = HEADER_BYTES + b * this.blockBytes;
      const r = new BitReader(q.subarray(off, off + this.blockBytes));
      for (let t = 0; t < g; t++) codes[t] = Number(readBig(r, this.params.gainBits));
      const blk = out.subarray(b * this.blockElements, (b + 1) * this.blockElements);
      for (let t = 0; t < g; t++) {
        const index = readBig(r, this.params.indexBits);
        if (index >= this.pyramid.size) {
          throw new QbenchError(
            'pvq.index',
            `${this.spec.id}: block ${b} group ${t}: index ${index} is not below V(${d},${this.params.pulses}) = ${this.pyramid.size}`,
            { block: b, group: t, index: index.toString(), V: this.pyramid.size.toString() },
          );
        }
        this.pyramid.decode(index, 'cwrs', iy);
        let yy = 0;
        for (let j = 0; j < d; j++) yy += iy[j]! * iy[j]!; // exact: K² < 2^24
        const s = f(f(codes[t]! * step) / f(Math.sqrt(yy)));
        if (s === 0) continue; // keep +0 rather than −0 for negative pulses
        for (let j = 0; j < d; j++) blk[t * d + j] = iy[j]! * s;
      }
      if (this.rotation) this.rotation.inverse(blk, blk);
    }
    return out;
  }
}
