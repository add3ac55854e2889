/**
 * The binding against itself and against qbench's specs: ggml's type table agrees with every gguf spec's
 * id, block and size; ref and chunk quantizers write exactly the row; the CPU traits name the partner the
 * spec names; buffers too small are refused before the native call. Skipped, with the reason, where the
 * native package is unavailable on this platform.
 */
import { listSpecs, qbenchErrorOf } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { locateGgml, nativeGgml } from './index.ts';

const native = nativeGgml();
const why = native.ok ? '' : ` (skipped: ${native.reason})`;
if (!native.ok) console.warn(`ggml-native unavailable: ${native.reason}`);

const ggmlSpecs = listSpecs().filter((s) => typeof s.params?.['ggmlTypeId'] === 'number');

describe(`native ggml binding${why}`, () => {
  it('locates an installed package or says why not', () => {
    const l = locateGgml();
    if (l.ok) expect(l.install.cpuLibraries.length).toBeGreaterThan(0);
    else expect(l.reason).toMatch(/\S/);
    expect(locateGgml('plan9-mips').ok).toBe(false);
  });

  it.skipIf(!native.ok)('reports which ggml it is', () => {
    if (!native.ok) return;
    const { info } = native.ggml;
    expect(info.ggmlVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.cpuScores[info.cpuVariant]).toBe(Math.max(...Object.values(info.cpuScores)));
    expect(info.cpuScores[info.cpuVariant]).toBeGreaterThan(0);
  });

  it.skipIf(!native.ok)('agrees with every gguf spec on name, block size and block bytes', () => {
    if (!native.ok) return;
    expect(ggmlSpecs.length).toBeGreaterThan(10);
    for (const s of ggmlSpecs) {
      const t = native.ggml.types.info(s.params!['ggmlTypeId'] as number);
      expect([s.id, t.name.toLowerCase(), t.blockSize, t.typeSize]).toEqual([
        s.id,
        s.id,
        s.layout.blockElements,
        s.layout.blockBytes,
      ]);
      const partner = s.params?.['vecDotType'];
      const cpu = native.ggml.cpu.get(t.id);
      if (typeof partner === 'string' && cpu.hasVecDot)
        expect(native.ggml.types.info(cpu.vecDotType).name.toLowerCase()).toBe(partner);
    }
  });

  it.skipIf(!native.ok)('writes exactly the row and no byte past it', () => {
    if (!native.ok) return;
    const g = native.ggml;
    const x = Float32Array.from({ length: 512 }, (_, i) => Math.sin(i * 0.37));
    const guard = 7;
    const ref = new Uint8Array(2 * 144 + guard).fill(0xa5);
    g.quantize.quantizeRowRef(12, x, ref);
    expect([...ref.subarray(288)]).toEqual(new Array(guard).fill(0xa5));
    const chunk = new Uint8Array(2 * 144 + guard).fill(0xa5);
    expect(g.quantize.quantizeChunk(12, x, chunk, 256)).toBe(288);
    expect([...chunk.subarray(288)]).toEqual(new Array(guard).fill(0xa5));
    expect(Buffer.from(chunk.subarray(0, 288)).equals(Buffer.from(ref.subarray(0, 288)))).toBe(true);
    const y = new Float32Array(512);
    g.dequantize.dequantizeRow(12, ref, y);
    let err = 0;
    for (let i = 0; i < 512; i++) err = Math.max(err, Math.abs(y[i]! - x[i]!));
    expect(err).toBeLessThan(0.1);
  });

  it.skipIf(!native.ok)('vec_dot (SIMD and generic) of q8_0 rows is the dot of the decoded rows', () => {
    if (!native.ok) return;
    const g = native.ggml;
    const n = 256;
    const a = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.11));
    const b = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.23));
    const qa = new Uint8Array((n / 32) * 34);
    const qb = new Uint8Array((n / 32) * 34);
    g.quantize.quantizeRowRef(8, a, qa);
    g.quantize.quantizeRowRef(8, b, qb);
    const da = new Float32Array(n);
    const db = new Float32Array(n);
    g.dequantize.dequantizeRow(8, qa, da);
    g.dequantize.dequantizeRow(8, qb, db);
    let exact = 0;
    for (let i = 0; i < n; i++) exact += da[i]! * db[i]!;
    const t = g.cpu.get(8);
    expect(t.vecDot(n, qa, qb)).toBeCloseTo(exact, 3);
    expect(t.vecDotGeneric?.(n, qa, qb)).toBeCloseTo(exact, 3);
  });

  it.skipIf(!native.ok)('refuses short buffers and unknown type ids before calling ggml', () => {
    if (!native.ok) return;
    const g = native.ggml;
    const e = qbenchErrorOf(() => g.quantize.quantizeRowRef(2, new Float32Array(64), new Uint8Array(35)));
    expect(e.code).toBe('native.buffer');
    expect(e.message).toMatch(/quantize_row_q4_0_ref: output holds 35, needs at least 36/);
    expect(
      qbenchErrorOf(() => g.dequantize.dequantizeRow(2, new Uint8Array(18), new Float32Array(33))).code,
    ).toBe('native.length');
    expect(qbenchErrorOf(() => g.types.info(43)).code).toBe('native.type');
  });

  it.skipIf(!native.ok)('reads a GGUF file the way ggml does, and rejects a non-GGUF file', () => {
    if (!native.ok) return;
    const v = native.ggml.gguf.read(
      new URL('../../../datasets/golden/gguf/quant-mix-align64.gguf', import.meta.url).pathname,
    );
    expect(v.accepted && v.alignment).toBe(64);
    expect(v.accepted && v.tensors.length).toBe(7);
    expect(native.ggml.gguf.read(new URL('../package.json', import.meta.url).pathname).accepted).toBe(false);
  });
});
