/**
 * The writer held against ggml's loader: every file qbench's GGUF writer emits here — the golden files
 * and fuzz seeds written back, one tensor of every ggml type qbench knows at several alignments, every
 * metadata value type (NaN bits, −0.0, empty and string arrays), a v2 header, zero-element tensors and a
 * 63-byte name — is accepted by gguf_init_from_file, with the KV and tensor counts qbench wrote. (What
 * the writer refuses is tested in packages/gguf-file/src/write.test.ts.) Skipped, with the reason, where
 * the native package is unavailable.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoaderJudge } from '@qbench/ggml-native';
import {
  bytesSource,
  type GgufValue,
  type GgufWriteInput,
  openGguf,
  tensorTypes,
  writeGguf,
  writeInputFrom,
} from '@qbench/gguf-file';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultSeeds } from '../fuzz/seeds.ts';

const opened = LoaderJudge.open();
const why = opened.ok ? '' : ` (skipped: ${opened.reason})`;
afterAll(() => {
  if (opened.ok) opened.judge.close();
});

const arr = (
  elementType: 'u8' | 'i16' | 'u32' | 'f32' | 'f64' | 'u64' | 'i64' | 'bool',
  values: ArrayLike<number> | bigint[],
) => {
  const ctor = {
    u8: Uint8Array,
    bool: Uint8Array,
    i16: Int16Array,
    u32: Uint32Array,
    f32: Float32Array,
    f64: Float64Array,
  } as const;
  const typed =
    elementType === 'u64'
      ? BigUint64Array.from(values as bigint[])
      : elementType === 'i64'
        ? BigInt64Array.from(values as bigint[])
        : ctor[elementType].from(values as ArrayLike<number>);
  return { type: 'arr', elementType, length: BigInt(typed.length), values: typed } as GgufValue;
};

function everyValueType(): GgufWriteInput {
  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'str', value: 'writer-test' }],
    ['x.u8', { type: 'u8', value: 255 }],
    ['x.i8', { type: 'i8', value: -128 }],
    ['x.u16', { type: 'u16', value: 65535 }],
    ['x.i16', { type: 'i16', value: -32768 }],
    ['x.u32', { type: 'u32', value: 4294967295 }],
    ['x.i32', { type: 'i32', value: -2147483648 }],
    ['x.f32_neg_zero', { type: 'f32', value: -0 }],
    ['x.f32_snan', { type: 'f32', value: Number.NaN, bits: 0x7fa00001 }],
    ['x.f32_inf', { type: 'f32', value: Number.NEGATIVE_INFINITY }],
    ['x.f64_nan', { type: 'f64', value: Number.NaN, bits: 0xfff4000000000abcn }],
    ['x.bool', { type: 'bool', value: true }],
    ['x.str_empty', { type: 'str', value: '' }],
    ['x.str_utf8', { type: 'str', value: 'ü€𝄞' }],
    ['x.u64', { type: 'u64', value: (1n << 64n) - 1n }],
    ['x.i64', { type: 'i64', value: -(1n << 63n) }],
    ['x.f64', { type: 'f64', value: -0 }],
    ['x.arr_u8', arr('u8', [0, 255])],
    ['x.arr_bool', arr('bool', [1, 0, 1])],
    ['x.arr_i16', arr('i16', [-1])],
    ['x.arr_u32_empty', arr('u32', [])],
    ['x.arr_f32', arr('f32', [Number.NaN, -0, Number.POSITIVE_INFINITY])],
    ['x.arr_f64', arr('f64', [1e308])],
    ['x.arr_u64', arr('u64', [0n, (1n << 64n) - 1n])],
    ['x.arr_i64', arr('i64', [-1n])],
    ['x.arr_str', { type: 'arr', elementType: 'str', length: 3n, values: ['', 'a', 'ü'] }],
  ];
  return { metadata };
}

function everyTensorType(alignment: number | undefined): GgufWriteInput {
  const metadata: [string, GgufValue][] = [
    ['general.architecture', { type: 'str', value: 'writer-test' }],
    ['general.quantization_version', { type: 'u32', value: 2 }],
  ];
  if (alignment !== undefined) metadata.push(['general.alignment', { type: 'u32', value: alignment }]);
  const tensors = tensorTypes()
    .filter((t) => !t.removed && t.blockBytes > 0)
    .map((t) => ({
      name: `t.${t.name}`,
      type: t.id,
      dims: [t.blockElements, 3],
      data: new Uint8Array(3 * t.blockBytes).fill(t.id),
    }));
  tensors.push({ name: 'z'.repeat(63), type: 0, dims: [0, 5], data: new Uint8Array(0) });
  return { metadata, tensors };
}

describe(`writer output is accepted by ggml's loader${why}`, () => {
  it.skipIf(!opened.ok)('every file the writer emits loads in ggml with the counts written', async () => {
    if (!opened.ok) return;
    const inputs: { name: string; input: GgufWriteInput }[] = [
      { name: 'every value type', input: everyValueType() },
      { name: 'every value type, v2', input: { ...everyValueType(), version: 2 } },
      { name: 'no tensors, no KVs', input: { metadata: [] } },
    ];
    for (const a of [undefined, 1, 8, 64, 4096])
      inputs.push({ name: `every tensor type, alignment ${a ?? 'default'}`, input: everyTensorType(a) });
    for (const s of await defaultSeeds())
      inputs.push({
        name: `seed ${s.name} rewritten`,
        input: writeInputFrom(await openGguf(bytesSource(s.bytes))),
      });
    const dir = await mkdtemp(join(tmpdir(), 'qbench-writer-ggml-'));
    try {
      const expected: { name: string; nKv: number; nTensors: number; path: string }[] = [];
      for (const [i, { name, input }] of inputs.entries()) {
        const bytes = await writeGguf(input);
        const f = await openGguf(bytesSource(bytes));
        const path = join(dir, `${i}.gguf`);
        await writeFile(path, bytes);
        expected.push({ name, nKv: f.kvs.length, nTensors: f.tensors.length, path });
      }
      const verdicts = await opened.judge.judge(expected.map((e) => e.path));
      const got = verdicts.map((v, i) => ({
        name: expected[i]!.name,
        outcome: v.outcome,
        reason: v.reason,
        nKv: v.nKv,
        nTensors: v.nTensors,
      }));
      expect(got).toEqual(
        expected.map((e) => ({
          name: e.name,
          outcome: 'accepts',
          reason: '',
          nKv: e.nKv,
          nTensors: e.nTensors,
        })),
      );
      expect(expected.find((e) => e.name.startsWith('every tensor type'))!.nTensors).toBeGreaterThan(30);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
