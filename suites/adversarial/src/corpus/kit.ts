/**
 * Building blocks of the corpus cases: the valid base file (two tensors, the required keys), edits of
 * it, raw headers, and blocks shaped like ggml's output.
 */
import type { FindingCode, Verdict } from '@qbench/gguf-file';
import { buildFile, type FileSpec, type KvSpec, str, strArr, T, type TensorSpec, u32 } from './emit.ts';

export interface CorpusCase {
  id: string;
  group:
    | 'control'
    | 'header'
    | 'counts'
    | 'strings'
    | 'types'
    | 'alignment'
    | 'meta'
    | 'dims'
    | 'tensor-type'
    | 'names'
    | 'layout'
    | 'semantic'
    | 'content';
  description: string;
  expected: { verdict: Verdict; code?: FindingCode };
  bytes(): Uint8Array;
}

export const U64_MAX = (1n << 64n) - 1n;

/** A q8_0 block as ggml writes it: fp16 d, 32 int8 codes, one of them at ±127. */
export function q8Block(dBits = 0x2000, codes?: number[]): Uint8Array {
  const b = new Uint8Array(34);
  new DataView(b.buffer).setUint16(0, dBits, true);
  const q = codes ?? Array.from({ length: 32 }, (_, i) => (i === 3 ? 127 : ((i * 37) % 200) - 100));
  q.forEach((c, i) => {
    b[2 + i] = c & 0xff;
  });
  return b;
}

/** A q6_k block: 128 ql + 64 qh + 16 int8 scales + fp16 d. `scale` fills all 16 scales. */
export function q6kBlock(scale: number, dBits = 0x1400): Uint8Array {
  const b = new Uint8Array(210);
  for (let i = 0; i < 192; i++) b[i] = (i * 29) & 0xff;
  b.fill(scale & 0xff, 192, 208);
  new DataView(b.buffer).setUint16(208, dBits, true);
  return b;
}

/** A tq2_0 block: 64 bytes of 2-bit codes (1 = zero; 0 and 2 = ∓1), then fp16 d. */
export function tq2Block(dBits: number, codeByte: number): Uint8Array {
  const b = new Uint8Array(66).fill(codeByte & 0xff, 0, 64);
  new DataView(b.buffer).setUint16(64, dBits, true);
  return b;
}

export const f32Bytes = (xs: number[]) => new Uint8Array(new Float32Array(xs).buffer);
export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

export const ARCH: KvSpec = { key: 'general.architecture', value: str('corpus') };
export const QV: KvSpec = { key: 'general.quantization_version', value: u32(2) };
export const TOK: TensorSpec = {
  name: 'token_embd.weight',
  dims: [32n, 2n],
  type: 8,
  data: concat(q8Block(), q8Block(0x2400)),
};
export const NORM: TensorSpec = {
  name: 'output_norm.weight',
  dims: [4n],
  type: 0,
  data: f32Bytes([1, 0.5, -0.25, 2]),
};

/** The valid base every case edits. */
export function baseSpec(): FileSpec {
  return { kvs: [ARCH, QV], tensors: [{ ...TOK }, { ...NORM }] };
}

export type Edit = (s: FileSpec) => FileSpec;
export const edit = (f: Edit) => () => buildFile(f(baseSpec())).bytes;
export const raw = (bytes: number[]) => () => new Uint8Array(bytes);
export const withKv =
  (...kvs: KvSpec[]): Edit =>
  (s) => ({ ...s, kvs: [...s.kvs, ...kvs] });
export const withTensor =
  (t: Partial<TensorSpec>, index = 0): Edit =>
  (s) => ({
    ...s,
    tensors: s.tensors.map((x, i) => (i === index ? { ...x, ...t } : x)),
  });
export const header =
  (version: number, nTensors: bigint, nKv: bigint, tail: number[] = []) =>
  () => {
    const b = new Uint8Array(24 + tail.length);
    b.set([0x47, 0x47, 0x55, 0x46]);
    const v = new DataView(b.buffer);
    v.setUint32(4, version, true);
    v.setBigUint64(8, nTensors, true);
    v.setBigUint64(16, nKv, true);
    b.set(tail, 24);
    return b;
  };
/** An array value nested `depth` levels deep around one u8. */
export const nested = (depth: number) => (e: import('./emit.ts').Emit) => {
  e.u32(T.arr, 'type');
  for (let i = 1; i < depth; i++) e.u32(T.arr, 'type').u64(1, 'count');
  e.u32(T.u8, 'type').u64(1, 'count').u8(1);
};
export const template = (t: string): KvSpec => ({ key: 'tokenizer.chat_template', value: str(t) });
export const vocab = (n: number, extra: KvSpec[] = []): Edit =>
  withKv(
    { key: 'tokenizer.ggml.tokens', value: strArr(Array.from({ length: n }, (_, i) => `t${i}`)) },
    ...extra,
  );

export const M = (code: FindingCode) => ({ verdict: 'malformed' as const, code });
export const S = (code: FindingCode) => ({ verdict: 'suspicious' as const, code });
export const CLEAN = { verdict: 'clean' as const };
