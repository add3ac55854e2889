/**
 * `qbench scan` on GGUF files written by ggml's own writer (gguf_init_empty … gguf_write_to_file through
 * @qbench/ggml-native) with a tensor of every ggml type qbench has a spec for (bytes from qbench's reference
 * encoders, bit-exact with ggml's quantizers): ggml's reader accepts the file and the verdict is clean.
 * The same file with one block's scale made non-finite (q1_0's fp16 d) or one nvfp4 scale byte set to
 * 0xFF gives the named finding with tensor, block and byte offset. Skipped with the reason where the
 * native library cannot be loaded.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeForSuite, FORMAT_SPECS, generate, loadFormat, type ResolvedSpec } from '@qbench/core';
import { bytesSource, scanGguf } from '@qbench/gguf-file';
import { afterAll, describe, expect, it } from 'vitest';
import { nativeGgml } from '../index.ts';

const native = nativeGgml();
const reason = native.ok ? undefined : native.reason;
const dir = mkdtempSync(join(tmpdir(), 'qbench-ggml-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ggufSpecs = (Object.values(FORMAT_SPECS) as ResolvedSpec[]).filter(
  (s) => s.family === 'gguf' && typeof s.params?.['ggmlTypeId'] === 'number',
);

/** One 256 × 2 tensor per type (256 is a whole number of blocks of every type), bytes as ggml lays them out. */
async function tensors() {
  const x = generate({ kind: 'gaussian' }, 512, 99).map((v) => v * 0.02);
  const out = [];
  for (const s of ggufSpecs) {
    const f = await loadFormat(s.id);
    out.push({
      name: `t.${s.id}`,
      type: s.params!['ggmlTypeId'] as number,
      dims: [256, 2],
      data: encodeForSuite(f, x, { nPerRow: 256 }), // the uniform imatrix where ggml requires one
    });
  }
  return out;
}

const KV = [
  ['general.architecture', { type: 'str', value: 'llama' }],
  ['general.quantization_version', { type: 'u32', value: 2 }],
] as const;

describe.skipIf(reason !== undefined)(
  `files written by ggml's gguf writer${reason ? ` (skipped: ${reason})` : ''}`,
  () => {
    it('scan clean with a tensor of every ggml type qbench specifies', async () => {
      if (!native.ok) return;
      const ts = await tensors();
      expect(ts.map((t) => t.name)).toEqual(
        expect.arrayContaining(['t.nvfp4', 't.q1_0', 't.q2_0', 't.f16', 't.bf16', 't.f32']),
      );
      const path = join(dir, 'all-types.gguf');
      native.ggml.ggufWriter.write(path, KV, ts);
      // ggml's reader accepts it and sees every tensor with its type
      const view = native.ggml.gguf.read(path);
      expect(view.accepted && view.tensors.map((t) => t.type)).toEqual(ts.map((t) => t.type));
      const r = await scanGguf(bytesSource(new Uint8Array(readFileSync(path))));
      expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
      expect(r.verdict).toBe('clean');
    });

    it('names the tensor, block and offset of a non-finite q1_0 scale and an out-of-range nvfp4 scale byte', async () => {
      if (!native.ok) return;
      const ts = (await tensors()).filter((t) => t.name === 't.q1_0' || t.name === 't.nvfp4');
      const q1 = ts.find((t) => t.name === 't.q1_0')!;
      q1.data[18 * 3 + 1] = 0x7e; // block 3: d = fp16 0x7E.. = NaN
      ts.find((t) => t.name === 't.nvfp4')!.data[36 * 5 + 2] = 0xff; // block 5, sub-block 2: not a ggml scale
      const path = join(dir, 'edited.gguf');
      native.ggml.ggufWriter.write(path, KV, ts);
      const r = await scanGguf(bytesSource(new Uint8Array(readFileSync(path))));
      const nonFinite = r.findings.find((f) => f.code === 'content.scale-nonfinite');
      expect(nonFinite?.message).toMatch(
        /tensor 't\.q1_0' \(q1_0\): 1 of 4 blocks have a NaN or infinite d \(first: block 3\)/,
      );
      const view = native.ggml.gguf.read(path);
      if (!view.accepted) throw new Error('ggml rejected its own file');
      const q1Info = view.tensors.find((t) => t.name === 't.q1_0')!;
      expect(nonFinite?.offset).toBe(view.dataOffset + q1Info.offset + 3 * 18);
      const edited = r.findings.find((f) => f.code === 'content.non-reference-block');
      expect(edited?.message).toMatch(/'t\.nvfp4'/);
    });
  },
);
