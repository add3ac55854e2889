/**
 * A GGUF base model (f32, f16 or bf16 weights) quantized by qbench to one gguf-family type, written tensor by
 * tensor: every weight matrix (2-D or more, float, rows a whole number of the type's blocks) is read in whole
 * rows, encoded by the format's reference codec and streamed to the output; everything else (norms, biases,
 * tensors whose rows do not fit the blocks, already-quantized tensors) is copied as stored. One tensor's rows
 * are in memory at a time. llama-quantize's choices (which tensors stay in higher precision) are not copied:
 * every eligible matrix gets the type, so the sweep measures the format, not a mix.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { bf16BitsToFp32, fp16BitsToFp32, loadFormat, QbenchError } from '@qbench/core';
import { type GgufValue, writeGgufStream } from '@qbench/gguf-file';
import { openGgufFile } from '@qbench/gguf-file/node';

export interface GgufQuantizeReport {
  quantized: string[];
  /** Tensors copied as stored, with why. */
  kept: { name: string; reason: string }[];
}

const FLOAT_BYTES: Readonly<Record<string, number>> = { f32: 4, f16: 2, bf16: 2 };

function toFloat32(type: string, b: Uint8Array): Float32Array {
  if (type === 'f32') return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const h = new Uint16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  const out = new Float32Array(h.length);
  const conv = type === 'f16' ? fp16BitsToFp32 : bf16BitsToFp32;
  for (let i = 0; i < h.length; i++) out[i] = conv(h[i]!);
  return out;
}

/** Writes `base` with its weight matrices in `type` to `out`. */
export async function quantizeGgufFile(base: string, type: string, out: string): Promise<GgufQuantizeReport> {
  const fmt = await loadFormat(type);
  const file = await openGgufFile(base);
  const report: GgufQuantizeReport = { quantized: [], kept: [] };
  try {
    const tensors = file.tensors.map((t) => {
      const src = t.type?.name ?? String(t.typeId);
      const ne0 = Number(t.dims[0] ?? 0n);
      const elements = t.dims.reduce((a, b) => a * b, 1n);
      const why =
        t.dims.length < 2
          ? 'not a matrix'
          : !(src in FLOAT_BYTES)
            ? `stored as ${src}`
            : ne0 % fmt.blockElements !== 0
              ? `rows of ${ne0} are not whole ${type} blocks of ${fmt.blockElements}`
              : undefined;
      if (why) {
        report.kept.push({ name: t.name, reason: why });
        return { name: t.name, type: t.typeId, dims: t.dims, data: file.chunks(t) };
      }
      report.quantized.push(t.name);
      const rowBytes = ne0 * FLOAT_BYTES[src]!;
      const rows = Number(elements / BigInt(ne0));
      const rowsPerPiece = Math.max(1, Math.floor((8 << 20) / rowBytes));
      async function* encoded(): AsyncGenerator<Uint8Array> {
        let pending = new Uint8Array(0);
        let done = 0;
        for await (const chunk of file.chunks(t, rowsPerPiece * rowBytes)) {
          const buf = new Uint8Array(pending.length + chunk.length);
          buf.set(pending);
          buf.set(chunk, pending.length);
          const whole = Math.floor(buf.length / rowBytes) * rowBytes;
          if (whole > 0) {
            yield fmt.reference.encode(toFloat32(src, buf.subarray(0, whole)), { nPerRow: ne0 });
            done += whole / rowBytes;
          }
          pending = buf.slice(whole);
        }
        if (pending.length > 0 || done !== rows)
          throw new QbenchError(
            'gguf.quantize',
            `${base}: tensor ${t.name} ended after ${done} of ${rows} rows`,
          );
      }
      return { name: t.name, type, dims: t.dims, data: encoded() };
    });
    // general.file_type would name the base's type: dropped rather than guessed.
    const metadata: [string, GgufValue][] = file.kvs
      .filter((kv) => kv.key !== 'general.file_type')
      .map((kv) => [kv.key, kv.value]);
    const ws = createWriteStream(out);
    try {
      for await (const piece of writeGgufStream({ version: 3, metadata, tensors })) {
        if (!ws.write(piece)) await once(ws, 'drain');
      }
    } finally {
      ws.end();
      await once(ws, 'close');
    }
    return report;
  } finally {
    await (file.source as { close?: () => Promise<void> }).close?.();
  }
}
