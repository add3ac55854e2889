/**
 * iFairy reference codec. Input: a complex tensor as ONE Float32Array of interleaved (re, im) pairs,
 * x[2t] = Re w_t, x[2t+1] = Im w_t, complex weights in row-major order ([out, in] flattened). A "weight"
 * in qbench's bits/weight is one real value, so one stage is 1 bit/weight (2 bits per complex weight).
 *
 * Stream: the per-tensor scales as float32 LE (stage 1 s_re, s_im, then stage 2 s_re, s_im), then blocks
 * of 4 complex weights; a block is one byte per stage (stage 1 first), complex weight t of the block at
 * bits 2t..2t+1 with code k: q = i^k (00 +1, 01 +i, 10 −1, 11 −i). A partial last block is padded with
 * code 0, which decode ignores.
 *
 * Two stages (Fairy2i-W2 style): q1 = PQ(w), q2 = PQ(w − ŵ1) with its own scales; ŵ = ŵ1 + ŵ2, with the
 * residual and the sum rounded to float32.
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { checkComplex, dequantizeCode, type PhaseScales, quantizeStage } from './phase.ts';

export const WEIGHTS_PER_BYTE = 4;

export interface EncodedStage extends PhaseScales {
  /** Code k of every complex weight (unpacked). */
  codes: Uint8Array;
}

/** Two real tensors (Re, Im) of the same shape → the codec's interleaved input. */
export function interleave(re: ArrayLike<number>, im: ArrayLike<number>): Float32Array {
  if (re.length !== im.length) {
    throw new QbenchError(
      'ifairy.shape',
      `real and imaginary tensors differ in size: ${re.length} vs ${im.length}`,
      {
        expected: re.length,
        got: im.length,
      },
    );
  }
  const out = new Float32Array(2 * re.length);
  for (let t = 0; t < re.length; t++) {
    out[2 * t] = re[t]!;
    out[2 * t + 1] = im[t]!;
  }
  return out;
}

/** The codec's interleaved values → the two real tensors. */
export function deinterleave(x: Float32Array): { re: Float32Array; im: Float32Array } {
  const m = x.length >> 1;
  const re = new Float32Array(m);
  const im = new Float32Array(m);
  for (let t = 0; t < m; t++) {
    re[t] = x[2 * t]!;
    im[t] = x[2 * t + 1]!;
  }
  return { re, im };
}

export function packCodes(codes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(codes.length / WEIGHTS_PER_BYTE));
  for (let t = 0; t < codes.length; t++) out[t >> 2] = out[t >> 2]! | ((codes[t]! & 3) << (2 * (t & 3)));
  return out;
}

export function unpackCodes(packed: Uint8Array, m: number): Uint8Array {
  const out = new Uint8Array(m);
  for (let t = 0; t < m; t++) out[t] = (packed[t >> 2]! >> (2 * (t & 3))) & 3;
  return out;
}

export function ifairyStages(spec: ResolvedSpec): 1 | 2 {
  const s = (spec.params as { stages?: unknown } | undefined)?.stages;
  if (s !== 1 && s !== 2)
    throw new QbenchError('ifairy.spec', `${spec.id}: params.stages must be 1 or 2, got ${String(s)}`);
  return s;
}

export class IFairyCodec implements ReferenceCodec {
  readonly stages: 1 | 2;

  constructor(readonly spec: ResolvedSpec) {
    this.stages = ifairyStages(spec);
    if (spec.layout.blockElements !== 2 * WEIGHTS_PER_BYTE || spec.layout.blockBytes !== this.stages) {
      throw new QbenchError('ifairy.spec', `${spec.id}: a block must be 8 reals in ${this.stages} byte(s)`);
    }
  }

  private headerBytes(): number {
    return 8 * this.stages;
  }

  encodedBytes(n: number): number {
    if (!Number.isInteger(n) || n < 0 || n % 2 !== 0) {
      throw new QbenchError(
        'ifairy.length',
        `${this.spec.id}: ${n} values is not a whole number of (re, im) pairs`,
        { n },
      );
    }
    return this.headerBytes() + Math.ceil(n / 2 / WEIGHTS_PER_BYTE) * this.stages;
  }

  /** The stages as values (codes unpacked) — what encode packs and what the matvec consumes. */
  quantize(x: Float32Array): EncodedStage[] {
    checkComplex(x, this.spec.id);
    const s1 = quantizeStage(x);
    if (this.stages === 1) return [s1];
    const w1 = new Float32Array(x.length);
    for (let t = 0; t < s1.codes.length; t++) dequantizeCode(s1.codes[t]!, s1, w1, t);
    const residual = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) residual[i] = x[i]! - w1[i]!; // float32 store rounds
    return [s1, quantizeStage(residual)];
  }

  encode(x: Float32Array, _options?: EncodeOptions): Uint8Array {
    const stages = this.quantize(x);
    const out = new Uint8Array(this.encodedBytes(x.length));
    const view = new DataView(out.buffer);
    const h = this.headerBytes();
    stages.forEach((s, i) => {
      view.setFloat32(8 * i, s.sRe, true);
      view.setFloat32(8 * i + 4, s.sIm, true);
      const packed = packCodes(s.codes);
      for (let b = 0; b < packed.length; b++) out[h + b * this.stages + i] = packed[b]!;
    });
    return out;
  }

  /** Parse a stream back into stages (codes unpacked, scales checked). */
  parse(q: Uint8Array, n: number): EncodedStage[] {
    const expected = this.encodedBytes(n);
    if (q.length !== expected) {
      throw new QbenchError(
        'ifairy.length',
        `${this.spec.id}: ${n} values need ${expected} bytes, got ${q.length}`,
        {
          expected,
          got: q.length,
        },
      );
    }
    const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
    const h = this.headerBytes();
    const m = n / 2;
    const blocks = Math.ceil(m / WEIGHTS_PER_BYTE);
    const stages: EncodedStage[] = [];
    for (let i = 0; i < this.stages; i++) {
      const sRe = view.getFloat32(8 * i, true);
      const sIm = view.getFloat32(8 * i + 4, true);
      for (const [name, v] of [
        ['s_re', sRe],
        ['s_im', sIm],
      ] as const) {
        if (!Number.isFinite(v) || v < 0) {
          throw new QbenchError(
            'ifairy.scale',
            `${this.spec.id}: stage ${i + 1} ${name} is ${v}; it must be finite and ≥ 0`,
          );
        }
      }
      const packed = new Uint8Array(blocks);
      for (let b = 0; b < blocks; b++) packed[b] = q[h + b * this.stages + i]!;
      stages.push({ sRe, sIm, codes: unpackCodes(packed, m) });
    }
    return stages;
  }

  decode(q: Uint8Array, n: number): Float32Array {
    const stages = this.parse(q, n);
    const out = new Float32Array(n);
    const part = new Float32Array(n);
    for (const s of stages) {
      for (let t = 0; t < n / 2; t++) dequantizeCode(s.codes[t]!, s, part, t);
      for (let i = 0; i < n; i++) out[i] = out[i]! + part[i]!;
    }
    return out;
  }
}
