/**
 * The bnb ReferenceCodec and its self-contained storage layout (the spec's `layout.packing`):
 *
 *   plain (nf4, fp4, …):  B blocks, each { absmax f32 LE | blocksize/2 code bytes }
 *   double-quantized:     offset f32 LE | absmax2 f32 LE × ceil(B/256) | B blocks, each { q8 u8 | blocksize/2 code bytes }
 *
 * B = ceil(n / blocksize). Codes are packed as bitsandbytes packs them (element 2i in the high nibble); a
 * partial last block is stored whole, its pad positions quantized as 0.0 inputs. Encoding is the
 * reference in reference/*; this file only validates input and moves bytes.
 */
import { type EncodeOptions, QbenchError, type ReferenceCodec, type ResolvedSpec } from '@qbench/core';
import { type BnbParams, bnbParams, dynamicMapTable, type FourBitCode, fourBitCode } from './params.ts';
import { compressStatistics, decompressStatistics, type NestedAbsmax } from './reference/double-quant.ts';
import { dequantize4bit, quantize4bit } from './reference/quantize-4bit.ts';

/** What the storage layout holds, in bitsandbytes' own (planar) form. */
export interface BnbTensor {
  /** Packed codes of whole blocks: B·blocksize/2 bytes, high nibble first. */
  readonly codes: Uint8Array;
  /** Plain variants: one float32 absmax per block. */
  readonly absmax?: Float32Array;
  /** Double-quantized variants: the nested statistics. */
  readonly nested?: NestedAbsmax;
}

export function checkLength(id: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new QbenchError('codec.length', `${id}: element count must be a non-negative integer, got ${n}`, {
      format: id,
      got: n,
    });
  }
}

export function checkFinite(id: string, x: Float32Array, blocksize: number): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) {
      throw new QbenchError(
        'codec.nonfinite',
        `${id}: input element ${i} (block ${Math.floor(i / blocksize)}, offset ${i % blocksize}) is ${x[i]}; pass nonFinite: 'propagate' to reproduce what bitsandbytes' CUDA kernel does with it`,
        { format: id, index: i, block: Math.floor(i / blocksize), offset: i % blocksize, got: x[i] },
      );
    }
  }
}

export class BnbCodec implements ReferenceCodec {
  readonly id: string;
  readonly params: BnbParams;
  readonly code: FourBitCode;
  readonly dynamicMap: Float32Array | undefined;
  /** Bytes of one stored block: the scale (f32 absmax or u8 q8) and blocksize/2 code bytes. */
  readonly blockBytes: number;

  constructor(spec: ResolvedSpec) {
    this.id = spec.id;
    this.params = bnbParams(spec);
    this.code = fourBitCode(this.params.quantType, this.params.codeTables);
    this.dynamicMap = this.params.doubleQuant ? dynamicMapTable(this.params.dynamicMapTable) : undefined;
    this.blockBytes = (this.params.doubleQuant ? 1 : 4) + this.params.blocksize / 2;
  }

  blocks(n: number): number {
    return Math.ceil(n / this.params.blocksize);
  }

  groups(blocks: number): number {
    return Math.ceil(blocks / this.params.nestedBlocksize);
  }

  /** Byte offset of the first block (after the double-quantization header). */
  headerBytes(n: number): number {
    const b = this.blocks(n);
    return this.params.doubleQuant && b > 0 ? 4 + 4 * this.groups(b) : 0;
  }

  encodedBytes(n: number): number {
    checkLength(this.id, n);
    return this.headerBytes(n) + this.blocks(n) * this.blockBytes;
  }

  /** Quantize to bitsandbytes' tensors (whole blocks of codes), without packing them. */
  quantize(x: Float32Array, options: EncodeOptions = {}): BnbTensor {
    if (options.nonFinite !== 'propagate') checkFinite(this.id, x, this.params.blocksize);
    const { codes, absmax } = quantize4bit(x, this.code, this.params.blocksize, { padToBlock: true });
    if (!this.dynamicMap) return { codes, absmax };
    return { codes, nested: compressStatistics(absmax, this.dynamicMap, this.params.nestedBlocksize) };
  }

  /** The absmax values decoding uses: stored ones, or the reconstruction from the nested statistics. */
  scales(t: BnbTensor): Float32Array {
    if (t.absmax) return t.absmax;
    if (t.nested && this.dynamicMap)
      return decompressStatistics(t.nested, this.dynamicMap, this.params.nestedBlocksize);
    throw new QbenchError('codec.tensor', `${this.id}: tensor has neither absmax nor nested statistics`);
  }

  pack(t: BnbTensor, n: number): Uint8Array {
    const b = this.blocks(n);
    const half = this.params.blocksize / 2;
    const out = new Uint8Array(this.encodedBytes(n));
    const view = new DataView(out.buffer);
    let pos = this.headerBytes(n);
    if (this.params.doubleQuant && b > 0) {
      const nested = t.nested!;
      view.setFloat32(0, nested.offset, true);
      for (let g = 0; g < nested.absmax2.length; g++) view.setFloat32(4 + 4 * g, nested.absmax2[g]!, true);
    }
    for (let k = 0; k < b; k++) {
      if (this.params.doubleQuant) out[pos++] = t.nested!.q8[k]!;
      else {
        view.setFloat32(pos, t.absmax![k]!, true);
        pos += 4;
      }
      out.set(t.codes.subarray(k * half, (k + 1) * half), pos);
      pos += half;
    }
    return out;
  }

  unpack(q: Uint8Array, n: number): BnbTensor {
    const expected = this.encodedBytes(n);
    if (q.length !== expected) {
      throw new QbenchError(
        'codec.bytes',
        `${this.id}: ${n} elements need ${expected} bytes (${this.blocks(n)} blocks of ${this.blockBytes}${this.headerBytes(n) ? ` after a ${this.headerBytes(n)}-byte header` : ''}), got ${q.length}`,
        { format: this.id, expected, got: q.length },
      );
    }
    const b = this.blocks(n);
    const half = this.params.blocksize / 2;
    const view = new DataView(q.buffer, q.byteOffset, q.byteLength);
    const codes = new Uint8Array(b * half);
    const absmax = new Float32Array(this.params.doubleQuant ? 0 : b);
    const q8 = new Uint8Array(this.params.doubleQuant ? b : 0);
    let pos = this.headerBytes(n);
    for (let k = 0; k < b; k++) {
      if (this.params.doubleQuant) q8[k] = q[pos++]!;
      else {
        absmax[k] = view.getFloat32(pos, true);
        pos += 4;
      }
      codes.set(q.subarray(pos, pos + half), k * half);
      pos += half;
    }
    if (!this.params.doubleQuant) return { codes, absmax };
    if (b === 0) return { codes, nested: { q8, absmax2: new Float32Array(0), offset: 0 } };
    const absmax2 = new Float32Array(this.groups(b));
    for (let g = 0; g < absmax2.length; g++) absmax2[g] = view.getFloat32(4 + 4 * g, true);
    return { codes, nested: { q8, absmax2, offset: view.getFloat32(0, true) } };
  }

  encode(x: Float32Array, options: EncodeOptions = {}): Uint8Array {
    return this.pack(this.quantize(x, options), x.length);
  }

  decode(q: Uint8Array, n: number): Float32Array {
    const t = this.unpack(q, n);
    return dequantize4bit(t.codes, this.scales(t), n, this.code.lut, this.params.blocksize);
  }
}

export function bnbCodec(spec: ResolvedSpec): BnbCodec {
  return new BnbCodec(spec);
}
