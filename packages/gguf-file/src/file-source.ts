/**
 * Positional reads over a file on disk (node:fs/promises), for the Node entry. Kept apart from node.ts so
 * the node-side scanners (scan-files.ts) can use it without importing the entry that re-exports them.
 */
import { open, stat } from 'node:fs/promises';
import { QbenchError } from '@qbench/core';
import type { ByteSource } from './source.ts';

export interface FileSource extends ByteSource {
  readonly path: string;
  close(): Promise<void>;
}

/** Open `path` for positional reads. Each read allocates exactly the bytes asked for (clipped to EOF). */
export async function fileSource(path: string): Promise<FileSource> {
  // stat before open: opening a FIFO for reading would block until a writer appears.
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (e) {
    throw new QbenchError('gguf.open', `cannot open '${path}': ${(e as Error).message}`, { path });
  }
  if (!info.isFile()) throw new QbenchError('gguf.open', `'${path}' is not a regular file`, { path });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new QbenchError('gguf.open', `cannot open '${path}': ${(e as Error).message}`, { path });
  }
  const stat2 = await handle.stat();
  if (!stat2.isFile()) {
    await handle.close();
    throw new QbenchError('gguf.open', `'${path}' is not a regular file`, { path });
  }
  const size = stat2.size;
  return {
    path,
    size,
    async read(offset, length) {
      const start = Math.min(Math.max(0, offset), size);
      const n = Math.min(size - start, Math.max(0, length));
      const buf = new Uint8Array(n);
      let done = 0;
      // A positional read may return fewer bytes than asked; loop until the range is filled or EOF.
      while (done < n) {
        const { bytesRead } = await handle.read(buf, done, n - done, start + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === n ? buf : buf.subarray(0, done);
    },
    close: () => handle.close(),
  };
}

/** Run `fn` with a file source and always close it. */
export async function withFileSource<T>(path: string, fn: (src: FileSource) => Promise<T>): Promise<T> {
  const src = await fileSource(path);
  try {
    return await fn(src);
  } finally {
    await src.close();
  }
}
