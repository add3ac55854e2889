/**
 * The reader: a GGUF file opened for use. Metadata and tensor infos are parsed once (strictly: any
 * error finding rejects the file, as ggml would); tensor data is read on demand by offset, whole or in
 * bounded chunks, so a file is never loaded whole.
 */
import { QbenchError } from '@qbench/core';
import type { Finding } from './findings.ts';
import { checkLayout } from './layout.ts';
import { type GgufKv, type GgufTensorInfo, type ParseOptions, parseGguf, printable } from './parse.ts';
import type { ByteSource } from './source.ts';
import type { GgufValue } from './values.ts';

/** Largest tensor tensorData() returns in one piece (typed arrays cap out around here). */
const MAX_WHOLE_TENSOR_BYTES = 1n << 31n;

export interface GgufFile {
  readonly source: ByteSource;
  readonly version: number;
  readonly alignment: number;
  /** Absolute offset of the data section. */
  readonly dataOffset: number;
  /** Metadata by key (a Map, so no key can reach an object prototype). */
  readonly metadata: ReadonlyMap<string, GgufValue>;
  /** KVs in file order. */
  readonly kvs: readonly GgufKv[];
  readonly tensors: readonly GgufTensorInfo[];
  /** Warnings and notes seen while reading (errors reject the file instead). */
  readonly findings: readonly Finding[];
  tensor(name: string): GgufTensorInfo | undefined;
  /** The whole data of one tensor (its nbytes must fit in memory: use chunks() for big tensors). */
  tensorData(t: GgufTensorInfo | string): Promise<Uint8Array>;
  /** The data of one tensor in pieces of at most `chunkBytes` (rounded down to whole blocks). */
  chunks(t: GgufTensorInfo | string, chunkBytes?: number): AsyncGenerator<Uint8Array>;
}

export async function openGguf(source: ByteSource, options: ParseOptions = {}): Promise<GgufFile> {
  const p = await parseGguf(source, options);
  await checkLayout(p, source, p.findings);
  const errors = p.findings.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0 || !p.complete) {
    const first = errors[0];
    throw new QbenchError(
      'gguf.malformed',
      first ? `${first.code} at offset ${first.offset}: ${first.message}` : 'incomplete GGUF file',
      {
        findings: errors,
      },
    );
  }
  const byName = new Map(p.tensors.map((t) => [t.name, t]));
  const resolve = (t: GgufTensorInfo | string): GgufTensorInfo => {
    const info = typeof t === 'string' ? byName.get(t) : t;
    if (!info) throw new QbenchError('gguf.tensor', `no tensor named '${printable(String(t))}'`);
    return info;
  };
  const metadata = new Map<string, GgufValue>();
  for (const [k, kv] of p.kv) metadata.set(k, kv.value);
  return {
    source,
    version: p.version!,
    alignment: p.alignment,
    dataOffset: p.dataOffset,
    metadata,
    kvs: p.kvList,
    tensors: p.tensors,
    findings: p.findings.findings,
    tensor: (name) => byName.get(name),
    async tensorData(t) {
      const info = resolve(t);
      if (info.nbytes > MAX_WHOLE_TENSOR_BYTES) {
        throw new QbenchError(
          'gguf.too-large',
          `tensor '${printable(info.name)}' has ${info.nbytes} bytes; read it with chunks()`,
        );
      }
      const n = Number(info.nbytes);
      const bytes = await source.read(p.dataOffset + Number(info.offset), n);
      if (bytes.length !== n)
        throw new QbenchError(
          'gguf.truncated',
          `tensor '${printable(info.name)}': read ${bytes.length} of ${n} bytes`,
        );
      return bytes;
    },
    async *chunks(t, chunkBytes = 1 << 20) {
      const info = resolve(t);
      const block = info.type?.blockBytes || 1;
      const step = Math.max(block, Math.floor(chunkBytes / block) * block);
      const start = p.dataOffset + Number(info.offset);
      const total = Number(info.nbytes);
      for (let done = 0; done < total; done += step) {
        const bytes = await source.read(start + done, Math.min(step, total - done));
        if (bytes.length === 0)
          throw new QbenchError(
            'gguf.truncated',
            `tensor '${printable(info.name)}' ends early at ${done} bytes`,
          );
        yield bytes;
      }
    },
  };
}
