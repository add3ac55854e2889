/**
 * A streaming safetensors reader: the header (u64 little-endian length + JSON) is read and validated
 * up front; tensor data is read on demand by offset, so memory is bounded by the largest tensor.
 * Validated: header length against the file and a cap, JSON shape, dtype known, shape × dtype size equal
 * to the byte range, ranges inside the data section, ascending and non-overlapping, no trailing gap.
 */
import { type FileHandle, open } from 'node:fs/promises';
import { bf16BitsToFp32, fp16Table32, QbenchError } from '@qbench/core';

const DTYPE_BYTES: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};
/** The dtypes this reader converts to float32. */
export const FLOAT_DTYPES = ['F32', 'F16', 'BF16'] as const;
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/** Larger headers are refused before allocation (real models have headers of a few hundred KB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Absolute byte offset in the file and length. */
  offset: number;
  byteLength: number;
}

export interface SafetensorsFile {
  path: string;
  metadata: Record<string, string>;
  tensors: SafetensorsTensor[];
  /** Read one tensor as float32 (F32/F16/BF16 only). */
  readFloat32(name: string): Promise<Float32Array>;
  close(): Promise<void>;
}

function fail(path: string, what: string, details: Record<string, unknown> = {}): never {
  throw new QbenchError('safetensors.invalid', `${path}: ${what}`, { file: path, ...details });
}

export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw new QbenchError('safetensors.open', `${path}: ${(e as Error).message}`);
  }
  try {
    const size = (await fh.stat()).size;
    if (size < 8) fail(path, `file is ${size} bytes, shorter than the 8-byte header length`);
    const lenBuf = Buffer.alloc(8);
    await fh.read(lenBuf, 0, 8, 0);
    const headerLen = lenBuf.readBigUInt64LE(0);
    if (headerLen > BigInt(Math.min(MAX_HEADER_BYTES, size - 8))) {
      fail(
        path,
        `header length ${headerLen} exceeds the ${size - 8} bytes after it (or the ${MAX_HEADER_BYTES}-byte cap)`,
        { offset: 0 },
      );
    }
    const hl = Number(headerLen);
    const headerBuf = Buffer.alloc(hl);
    await fh.read(headerBuf, 0, hl, 8);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBuf));
    } catch (e) {
      fail(path, `header is not valid UTF-8 JSON: ${(e as Error).message}`, { offset: 8 });
    }
    if (typeof header !== 'object' || header === null || Array.isArray(header))
      fail(path, 'header is not a JSON object', { offset: 8 });
    const dataStart = 8 + hl;
    const dataLen = size - dataStart;
    const tensors: SafetensorsTensor[] = [];
    let metadata: Record<string, string> = {};
    for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
      if (name === '__metadata__') {
        metadata = v as Record<string, string>;
        continue;
      }
      const t = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
      if (typeof t?.dtype !== 'string' || !(t.dtype in DTYPE_BYTES))
        fail(path, `tensor '${name}': unknown dtype ${JSON.stringify(t?.dtype)}`);
      if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0))
        fail(path, `tensor '${name}': shape must be non-negative integers`);
      const offs = t.data_offsets;
      if (
        !Array.isArray(offs) ||
        offs.length !== 2 ||
        !offs.every((o) => Number.isSafeInteger(o) && o >= 0) ||
        offs[0] > offs[1]
      ) {
        fail(path, `tensor '${name}': data_offsets must be [begin, end] with 0 ≤ begin ≤ end`);
      }
      const [begin, end] = offs as [number, number];
      if (end > dataLen)
        fail(path, `tensor '${name}': data ends at ${end}, past the ${dataLen}-byte data section`, {
          offset: dataStart + begin,
        });
      const elements = (t.shape as number[]).reduce((a, b) => a * b, 1);
      const expected = elements * DTYPE_BYTES[t.dtype]!;
      if (expected !== end - begin)
        fail(
          path,
          `tensor '${name}': shape ${JSON.stringify(t.shape)} × ${t.dtype} needs ${expected} bytes, the range holds ${end - begin}`,
        );
      tensors.push({
        name,
        dtype: t.dtype,
        shape: t.shape as number[],
        offset: dataStart + begin,
        byteLength: end - begin,
      });
    }
    const sorted = [...tensors].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      if (sorted[i]!.offset < prev.offset + prev.byteLength)
        fail(path, `tensors '${prev.name}' and '${sorted[i]!.name}' overlap`, { offset: sorted[i]!.offset });
    }
    const byName = new Map(tensors.map((t) => [t.name, t]));
    return {
      path,
      metadata,
      tensors,
      async readFloat32(name) {
        const t = byName.get(name);
        if (!t) throw new QbenchError('safetensors.tensor', `${path}: no tensor named '${name}'`);
        const raw = Buffer.alloc(t.byteLength);
        await fh.read(raw, 0, t.byteLength, t.offset);
        return toFloat32(path, t, raw);
      },
      close: () => fh.close(),
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}

function toFloat32(path: string, t: SafetensorsTensor, raw: Buffer): Float32Array {
  const n = t.byteLength / DTYPE_BYTES[t.dtype]!;
  const out = new Float32Array(n);
  switch (t.dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = raw.readFloatLE(i * 4);
      return out;
    case 'F16': {
      const table = fp16Table32();
      for (let i = 0; i < n; i++) out[i] = table[raw.readUInt16LE(i * 2)]!;
      return out;
    }
    case 'BF16':
      for (let i = 0; i < n; i++) out[i] = bf16BitsToFp32(raw.readUInt16LE(i * 2));
      return out;
    default:
      throw new QbenchError(
        'safetensors.dtype',
        `${path}: tensor '${t.name}' has dtype ${t.dtype}; only F32, F16 and BF16 are read as weights`,
      );
  }
}

/** Write a safetensors file (tests, fixtures and the adversarial suite's reference models). */
export function encodeSafetensors(
  tensors: { name: string; shape: number[]; data: Float32Array }[],
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata) header['__metadata__'] = metadata;
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces to a multiple of 8 bytes, as the reference writer does.
  while ((Buffer.byteLength(json) + 8) % 8 !== 0) json += ' ';
  const hb = Buffer.from(json);
  const out = new Uint8Array(8 + hb.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const t of tensors) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), p);
    p += t.data.byteLength;
  }
  return out;
}
