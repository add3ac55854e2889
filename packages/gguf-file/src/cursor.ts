/**
 * A forward reader over a ByteSource with a sliding window: small reads are synchronous once the window
 * holds them (so a 150k-token vocabulary costs a handful of awaits, not 300k), and the window only grows
 * to the size of the largest single item the caller has already checked against the bytes remaining.
 */
import type { ByteSource } from './source.ts';

const DEFAULT_WINDOW = 1 << 16;

export class Cursor {
  pos = 0;
  private win: Uint8Array = new Uint8Array(0);
  private winStart = 0;
  private view: DataView = new DataView(this.win.buffer);

  constructor(
    readonly src: ByteSource,
    private readonly windowBytes = DEFAULT_WINDOW,
  ) {}

  get size(): number {
    return this.src.size;
  }

  /** Bytes between the cursor and the end of the source. */
  get remaining(): number {
    return Math.max(0, this.src.size - this.pos);
  }

  /** True when the next `n` bytes are in the window (no I/O needed). */
  has(n: number): boolean {
    return this.pos >= this.winStart && this.pos + n <= this.winStart + this.win.length;
  }

  /** Load the next `n` bytes into the window; false when the source ends first. */
  async fill(n: number): Promise<boolean> {
    if (this.has(n)) return true;
    if (n > this.remaining) return false;
    const want = Math.min(this.remaining, Math.max(n, this.windowBytes));
    const bytes = await this.src.read(this.pos, want);
    this.win = bytes;
    this.winStart = this.pos;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return bytes.length >= n;
  }

  private at(n: number): number {
    const o = this.pos - this.winStart;
    this.pos += n;
    return o;
  }

  // Synchronous readers: the caller has made sure (has/fill) that the bytes are in the window.
  u8(): number {
    return this.view.getUint8(this.at(1));
  }
  i8(): number {
    return this.view.getInt8(this.at(1));
  }
  u16(): number {
    return this.view.getUint16(this.at(2), true);
  }
  i16(): number {
    return this.view.getInt16(this.at(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.at(4), true);
  }
  i32(): number {
    return this.view.getInt32(this.at(4), true);
  }
  f32(): number {
    return this.view.getFloat32(this.at(4), true);
  }
  f64(): number {
    return this.view.getFloat64(this.at(8), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.at(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.at(8), true);
  }
  /** A view of the next n bytes (valid until the next fill). */
  bytes(n: number): Uint8Array {
    const o = this.at(n);
    return this.win.subarray(o, o + n);
  }

  /** Move forward without reading (values over the memory budget). */
  skip(n: number): void {
    this.pos += n;
  }
}
