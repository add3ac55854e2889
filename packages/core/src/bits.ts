/**
 * Packed fields of 1–8 bits, least-significant bit first within each byte (the order ggml, bnb's
 * low nibble, and the MX storage use). Formats that put the first element in the high nibble say so in
 * their spec and use `msbFirst`.
 */
import { QbenchError } from './errors.ts';

export type BitOrder = 'lsbFirst' | 'msbFirst';

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1 || width > 8) {
    throw new QbenchError('bits.width', `bit field width must be an integer in 1..8, got ${width}`);
  }
}

export class BitWriter {
  readonly bytes: Uint8Array;
  private bitPos = 0;

  constructor(
    byteLength: number | Uint8Array,
    private readonly order: BitOrder = 'lsbFirst',
  ) {
    this.bytes = typeof byteLength === 'number' ? new Uint8Array(byteLength) : byteLength;
  }

  /** Bits written so far. */
  get position(): number {
    return this.bitPos;
  }

  write(value: number, width: number): void {
    checkWidth(width);
    if (!Number.isInteger(value) || value < 0 || value >= 1 << width) {
      throw new QbenchError('bits.value', `value ${value} does not fit in ${width} bits`);
    }
    if (this.bitPos + width > this.bytes.length * 8) {
      throw new QbenchError(
        'bits.overflow',
        `writing ${width} bits at bit ${this.bitPos} runs past the ${this.bytes.length}-byte buffer`,
      );
    }
    for (let i = 0; i < width; i++) {
      const bit = this.order === 'lsbFirst' ? (value >>> i) & 1 : (value >>> (width - 1 - i)) & 1;
      const p = this.bitPos++;
      const byte = p >>> 3;
      const shift = this.order === 'lsbFirst' ? p & 7 : 7 - (p & 7);
      this.bytes[byte] = (this.bytes[byte]! & ~(1 << shift)) | (bit << shift);
    }
  }
}

export class BitReader {
  private bitPos = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly order: BitOrder = 'lsbFirst',
  ) {}

  get position(): number {
    return this.bitPos;
  }

  get remaining(): number {
    return this.bytes.length * 8 - this.bitPos;
  }

  read(width: number): number {
    checkWidth(width);
    if (width > this.remaining) {
      throw new QbenchError(
        'bits.underflow',
        `reading ${width} bits at bit ${this.bitPos} runs past the ${this.bytes.length}-byte buffer`,
      );
    }
    let value = 0;
    for (let i = 0; i < width; i++) {
      const p = this.bitPos++;
      const shift = this.order === 'lsbFirst' ? p & 7 : 7 - (p & 7);
      const bit = (this.bytes[p >>> 3]! >>> shift) & 1;
      value |= this.order === 'lsbFirst' ? bit << i : bit << (width - 1 - i);
    }
    return value;
  }
}

/** Pack `values` (each < 2^width) into ceil(n*width/8) bytes. */
export function packBits(values: ArrayLike<number>, width: number, order: BitOrder = 'lsbFirst'): Uint8Array {
  const w = new BitWriter(Math.ceil((values.length * width) / 8), order);
  for (let i = 0; i < values.length; i++) w.write(values[i]!, width);
  return w.bytes;
}

export function unpackBits(
  bytes: Uint8Array,
  width: number,
  count: number,
  order: BitOrder = 'lsbFirst',
): Uint8Array {
  const r = new BitReader(bytes, order);
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = r.read(width);
  return out;
}
