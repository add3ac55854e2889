/**
 * Where GGUF bytes come from. The reader asks for byte ranges by offset and never for the whole file,
 * so the same code reads a FileHandle in Node, a Blob/File in a browser, or bytes already in memory.
 */

export interface ByteSource {
  /** Total size in bytes (files beyond 2^53 bytes do not exist; numbers are exact here). */
  readonly size: number;
  /**
   * Bytes [offset, offset + length), clipped to the end of the source. The result may be a view into a
   * buffer the source reuses only if documented; the sources here always return fresh or read-only views.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

function clip(size: number, offset: number, length: number): [number, number] {
  const start = Math.min(Math.max(0, offset), size);
  const end = Math.min(size, start + Math.max(0, length));
  return [start, end];
}

/** Bytes already in memory (tests, the corpus, a fetched buffer). Reads are zero-copy views. */
export function bytesSource(data: Uint8Array | ArrayBuffer): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    size: bytes.length,
    read(offset, length) {
      const [s, e] = clip(bytes.length, offset, length);
      return Promise.resolve(bytes.subarray(s, e));
    },
  };
}

/** A Blob or File (browsers, or Node's Blob): each read slices and reads only that range. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    async read(offset, length) {
      const [s, e] = clip(blob.size, offset, length);
      return new Uint8Array(await blob.slice(s, e).arrayBuffer());
    },
  };
}
