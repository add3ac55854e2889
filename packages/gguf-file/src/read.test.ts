/**
 * The reader against ggml's own report of the golden GGUF files (datasets/golden/gguf/*.expected.json,
 * written by gguf_init_from_file) and against @huggingface/gguf's parse of the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gguf as hfGguf } from '@huggingface/gguf';
import { describe, expect, it } from 'vitest';
import { openGgufFile, scanFile, withFileSource } from './node.ts';
import { openGguf } from './read.ts';
import { blobSource, bytesSource } from './source.ts';
import { type GgufValue, valueToJson } from './values.ts';
import { writeGguf } from './write.ts';

const goldenDir = fileURLToPath(new URL('../../../datasets/golden/gguf/', import.meta.url));
const FILES = ['kv-all-types.gguf', 'quant-mix-align64.gguf'] as const;

interface ExpectedKv {
  key: string;
  type: string;
  value: unknown;
  array_type?: string;
  length?: number;
  truncated?: boolean;
}
interface ExpectedTensor {
  name: string;
  type: string;
  ggml_type_id: number;
  n_dims: number;
  dims: number[];
  offset: number;
  absolute_offset: number;
  size: number;
  sha256: string;
}
interface Expected {
  file_size: number;
  file_sha256: string;
  version: number;
  alignment: number;
  data_offset: number;
  n_kv: number;
  n_tensors: number;
  kv: ExpectedKv[];
  tensors: ExpectedTensor[];
}

async function load(name: string): Promise<{ bytes: Uint8Array; expected: Expected }> {
  const bytes = new Uint8Array(await readFile(goldenDir + name));
  const expected = JSON.parse(await readFile(`${goldenDir}${name}.expected.json`, 'utf8')) as Expected;
  return { bytes, expected };
}

/** Compare one value with ggml's JSON: f32 through fround, -0.0 kept, u64/i64 as decimal strings. */
function expectValue(actual: unknown, expected: unknown, type: string, key: string): void {
  if (type === 'f32' && typeof expected === 'number') {
    expect(Object.is(actual, Math.fround(expected)), `${key}: ${actual} vs ${expected}`).toBe(true);
  } else if (typeof expected === 'number') {
    expect(Object.is(actual, expected), `${key}: ${actual} vs ${expected}`).toBe(true);
  } else {
    expect(actual, key).toEqual(expected);
  }
}

describe.each(FILES)('reader on golden %s', (name) => {
  it("reports what ggml's gguf_init_from_file reports", async () => {
    const { bytes, expected } = await load(name);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(expected.file_sha256);
    const f = await openGguf(bytesSource(bytes));
    expect(f.version).toBe(expected.version);
    expect(f.alignment).toBe(expected.alignment);
    expect(f.dataOffset).toBe(expected.data_offset);
    expect(f.kvs.length).toBe(expected.n_kv);
    expect(f.tensors.length).toBe(expected.n_tensors);

    expected.kv.forEach((e, i) => {
      const kv = f.kvs[i]!;
      expect(kv.key).toBe(e.key);
      const v: GgufValue = kv.value;
      expect(v.type).toBe(e.type);
      if (v.type === 'arr') {
        expect(v.elementType).toBe(e.array_type);
        expect(v.length).toBe(BigInt(e.length!));
        const json = valueToJson(v) as unknown[];
        const shown = e.truncated ? json.slice(0, 8) : json;
        expect(shown.length).toBe((e.value as unknown[]).length);
        for (const [j, x] of shown.entries())
          expectValue(x, (e.value as unknown[])[j], e.array_type!, `${e.key}[${j}]`);
      } else {
        expectValue(valueToJson(v), e.value, e.type, e.key);
      }
    });

    for (const [i, e] of expected.tensors.entries()) {
      const t = f.tensors[i]!;
      expect(t.name).toBe(e.name);
      expect(t.typeId).toBe(e.ggml_type_id);
      expect(t.type?.ggmlName).toBe(e.type);
      expect(t.dims.length).toBe(e.n_dims);
      expect(t.dims.map(Number)).toEqual(e.dims);
      expect(t.offset).toBe(BigInt(e.offset));
      expect(f.dataOffset + Number(t.offset)).toBe(e.absolute_offset);
      expect(t.nbytes).toBe(BigInt(e.size));
      const data = await f.tensorData(t);
      expect(createHash('sha256').update(data).digest('hex'), e.name).toBe(e.sha256);
      // Chunked reads see the same bytes, in pieces of whole blocks.
      const hash = createHash('sha256');
      for await (const piece of f.chunks(t, 100)) {
        expect(piece.length % (t.type?.blockBytes ?? 1)).toBe(0);
        hash.update(piece);
      }
      expect(hash.digest('hex')).toBe(e.sha256);
    }
  });

  it('agrees with @huggingface/gguf on metadata and tensor infos', async () => {
    const { bytes } = await load(name);
    const ours = await openGguf(bytesSource(bytes));
    const theirs = await hfGguf(goldenDir + name, { allowLocalFile: true });
    expect(theirs.tensorInfos.length).toBe(ours.tensors.length);
    theirs.tensorInfos.forEach((ti, i) => {
      const t = ours.tensors[i]!;
      expect(ti.name).toBe(t.name);
      expect(ti.shape).toEqual(t.dims);
      expect(ti.dtype as number).toBe(t.typeId);
      expect(ti.offset).toBe(t.offset);
    });
    const meta = theirs.metadata as unknown as Record<string, unknown>;
    for (const kv of ours.kvs) {
      const mine = valueToJson(kv.value);
      const hf = meta[kv.key];
      const norm = (x: unknown): unknown =>
        typeof x === 'bigint' ? x.toString() : Array.isArray(x) ? x.map(norm) : x;
      if (kv.value.type === 'arr' && kv.value.elementType === 'bool') {
        expect(norm(hf)).toEqual(mine);
      } else {
        expect(norm(hf), kv.key).toEqual(mine);
      }
    }
  });

  it('reads the same through a Blob and through a file handle', async () => {
    const { bytes, expected } = await load(name);
    const viaBlob = await openGguf(blobSource(new Blob([bytes.slice().buffer])));
    expect(viaBlob.tensors.map((t) => t.name)).toEqual(expected.tensors.map((t) => t.name));
    const last = expected.tensors.at(-1)!;
    const opened = await openGgufFile(goldenDir + name);
    expect(opened.tensors.length).toBe(expected.tensors.length);
    await opened.source.close?.();
    expect((await scanFile(goldenDir + name)).verdict).not.toBe('malformed');
    await withFileSource(goldenDir + name, async (src) => {
      const f = await openGguf(src);
      const data = await f.tensorData(last.name);
      expect(createHash('sha256').update(data).digest('hex')).toBe(last.sha256);
    });
  });
});

describe('reader robustness', () => {
  it('keeps __proto__ and tensor_count as ordinary keys of a Map', async () => {
    const bytes = await writeGguf({
      metadata: [
        ['general.architecture', { type: 'str', value: 'test' }],
        ['__proto__', { type: 'arr', elementType: 'str', length: 1n, values: ['polluted'] }],
        ['tensor_count', { type: 'u64', value: 999n }],
      ],
    });
    const f = await openGguf(bytesSource(bytes));
    expect(f.tensors.length).toBe(0);
    expect(valueToJson(f.metadata.get('__proto__')!)).toEqual(['polluted']);
    expect(f.metadata.get('tensor_count')).toEqual({ type: 'u64', value: 999n });
    expect(Object.getPrototypeOf(f.metadata)).toBe(Map.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('reads version 2 files and rejects malformed ones with a named error', async () => {
    const v3 = await writeGguf({
      version: 2,
      metadata: [['general.architecture', { type: 'str', value: 'x' }]],
    });
    expect((await openGguf(bytesSource(v3))).version).toBe(2);
    const bad = v3.slice();
    bad[4] = 1;
    await expect(openGguf(bytesSource(bad))).rejects.toMatchObject({ code: 'gguf.malformed' });
    await expect(openGguf(bytesSource(bad))).rejects.toThrow(/header.version/);
  });
});
