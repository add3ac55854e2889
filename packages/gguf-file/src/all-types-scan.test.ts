/**
 * `qbench scan` on a GGUF written by qbench's own writer with a tensor of every ggml type qbench has a spec
 * for (f32, f16, bf16, the k-quants, ternaries, mxfp4, nvfp4, q1_0, q2_0 …; bytes from the reference
 * encoders, which are bit-exact with ggml's): the verdict is clean and `inspect`'s reader sees every
 * tensor with its type and size. The ggml-written counterpart is ggml-writer.live.test.ts.
 */
import { encodeForSuite, FORMAT_SPECS, generate, loadFormat, type ResolvedSpec } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { openGguf } from './read.ts';
import { scanGguf } from './scan.ts';
import { bytesSource } from './source.ts';
import { writeGguf } from './write.ts';

const specs = (Object.values(FORMAT_SPECS) as ResolvedSpec[]).filter(
  (s) => s.family === 'gguf' && typeof s.params?.['ggmlTypeId'] === 'number',
);

describe('a qbench-written GGUF with every specified ggml type', () => {
  it('scans clean and reads back every tensor', async () => {
    const x = generate({ kind: 'gaussian' }, 512, 7).map((v) => v * 0.02);
    const tensors = [];
    for (const s of specs) {
      const f = await loadFormat(s.id);
      tensors.push({
        name: `t.${s.id}`,
        type: s.id,
        dims: [256, 2],
        data: encodeForSuite(f, x, { nPerRow: 256 }), // the uniform imatrix where ggml requires one
      });
    }
    const bytes = await writeGguf({
      metadata: [
        ['general.architecture', { type: 'str', value: 'llama' }],
        ['general.quantization_version', { type: 'u32', value: 2 }],
      ],
      tensors,
    });
    const r = await scanGguf(bytesSource(bytes));
    expect(r.findings.filter((f) => f.severity !== 'info')).toEqual([]);
    expect(r.verdict).toBe('clean');
    const file = await openGguf(bytesSource(bytes));
    expect(file.tensors.map((t) => [t.name, t.typeId, Number(t.nbytes)])).toEqual(
      tensors.map((t) => [
        t.name,
        FORMAT_SPECS[t.type as keyof typeof FORMAT_SPECS].params!['ggmlTypeId'],
        t.data.length,
      ]),
    );
    expect(specs.map((s) => s.id)).toEqual(
      expect.arrayContaining(['f32', 'f16', 'bf16', 'nvfp4', 'q1_0', 'q2_0']),
    );
  });
});
