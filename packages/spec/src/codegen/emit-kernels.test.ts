/** The AssemblyScript / WGSL constant emitters: names, byte offsets, exact f32 tables, opt-in by folder. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_SPECS } from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { constName, emitAssemblyScript, emitWgsl, fieldOffsets, kernelConstants } from './emit-kernels.ts';
import { splitTablesOf } from './minifloat-tables.ts';

const q5_1 = FORMAT_SPECS.q5_1;
const nf4 = FORMAT_SPECS.nf4;

describe('kernel constants', () => {
  it('names are upper snake case, camelCase split', () => {
    expect(constName('q4_0', 'BLOCK_BYTES')).toBe('Q4_0_BLOCK_BYTES');
    expect(constName('iq4_nl', 'kvaluesIq4nl')).toBe('IQ4_NL_KVALUES_IQ4NL');
    expect(constName('fp4_dq', 'absmaxCode', 'OFFSET')).toBe('FP4_DQ_ABSMAX_CODE_OFFSET');
  });

  it('byte offsets follow the layout; fields that start mid-byte have none', () => {
    expect(fieldOffsets(q5_1)).toEqual([
      { name: 'd', offset: 0 },
      { name: 'm', offset: 2 },
      { name: 'qh', offset: 4 },
      { name: 'qs', offset: 8 },
    ]);
    const e2m3 = FORMAT_SPECS.e2m3; // four 6-bit codes in 3 bytes: only the first starts on a byte
    expect(fieldOffsets(e2m3).map((f) => f.offset)).toEqual([0]);
  });

  it('a searched format’s split tables are its splits’ element tables back to back (llmfp4: E2M1, E3M0, E1M2)', () => {
    const llmfp4 = FORMAT_SPECS.llmfp4;
    const t = splitTablesOf(llmfp4)!;
    expect(t.bits).toBe(4);
    const values = Array.from(new Float32Array(new Uint32Array(t.bits32).buffer));
    const magnitudes = (j: number) => values.slice(16 * j, 16 * j + 8);
    expect(magnitudes(0)).toEqual([0, 0.5, 1, 1.5, 2, 3, 4, 6]); // E2M1, bias 1
    expect(magnitudes(1)).toEqual([0, 0.25, 0.5, 1, 2, 4, 8, 16]); // E3M0, bias 3
    expect(magnitudes(2)).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5]); // E1M2, bias 0
    expect(values.slice(8, 16)).toEqual([-0, -0.5, -1, -1.5, -2, -3, -4, -6]);
    expect(emitWgsl('minifloat', [llmfp4])).toContain('const LLMFP4_SPLIT_TABLES = array<u32, 48>(');
    expect(emitAssemblyScript('minifloat', [llmfp4])).toContain(
      'export const LLMFP4_SPLIT_HEADER_OFFSET: i32 = 4;',
    );
    expect(splitTablesOf(q5_1)).toBeUndefined();
  });

  it('f32 tables are written as their exact bit patterns in both languages', () => {
    const as = emitAssemblyScript('bnb', [nf4]);
    expect(as).toContain('export const NF4_BLOCK_BYTES: i32 = 36;');
    expect(as).toMatch(/export const NF4_LUT: usize = memory\.data<u32>\(\[0xBF800000, 0xBF3239B1, /);
    const wgsl = emitWgsl('bnb', [nf4]);
    expect(wgsl).toContain('const NF4_ABSMAX_OFFSET: u32 = 0u;');
    expect(wgsl).toContain(
      'const NF4_LUT = array<f32, 16>(bitcast<f32>(0xBF800000u), bitcast<f32>(0xBF3239B1u),',
    );
    // the bit patterns are the spec's, and they are the float32 values the spec lists
    const bits = [...wgsl.matchAll(/bitcast<f32>\((0x[0-9A-F]{8})u\)/g)]
      .slice(0, 16)
      .map((m) => Number(m[1]));
    const values = new Float32Array(new Uint32Array(bits).buffer);
    expect(Array.from(values)).toEqual(nf4.tables!['lut']!.values.map(Math.fround));
  });

  it('WGSL gets the side-info and param constants AS has (group sizes, header offsets, params)', () => {
    const wgsl = emitWgsl('bnb', [FORMAT_SPECS.nf4_dq]);
    expect(wgsl).toContain('const NF4_DQ_ABSMAX2_PER: u32 = 16384u;');
    expect(wgsl).toContain('const NF4_DQ_OFFSET_HEADER_OFFSET: u32 = 0u;');
    expect(wgsl).toContain('const NF4_DQ_PARAM_NESTED_BLOCKSIZE: u32 = 256u;');
    const w2 = emitWgsl('ifairy', [FORMAT_SPECS.ifairy_w2]);
    expect(w2).toContain('const IFAIRY_W2_S_IM2_HEADER_OFFSET: u32 = 12u;');
  });

  it('integer tables keep their type (i8 → memory.data<i8> in AS, i32 literals in WGSL)', () => {
    const iq4 = FORMAT_SPECS.iq4_nl;
    expect(emitAssemblyScript('gguf', [iq4])).toContain('memory.data<i8>([-127, -104, -83,');
    expect(emitWgsl('gguf', [iq4])).toContain('array<i32, 16>(-127i, -104i, -83i,');
  });

  describe('opt-in by folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'qbench-codegen-'));
    afterAll(() => rmSync(root, { recursive: true, force: true }));
    it('a family gets AS constants only with a wasm/ folder and WGSL only with a wgsl/ folder', () => {
      expect(kernelConstants('bnb', [nf4], root)).toEqual([]);
      mkdirSync(join(root, 'formats', 'bnb', 'wgsl'), { recursive: true });
      expect(kernelConstants('bnb', [nf4], root).map(([p]) => p)).toEqual([
        'formats/bnb/wgsl/generated/constants.wgsl',
      ]);
      mkdirSync(join(root, 'formats', 'bnb', 'wasm'), { recursive: true });
      expect(kernelConstants('bnb', [nf4], root).map(([p]) => p)).toEqual([
        'formats/bnb/wasm/generated/constants.ts',
        'formats/bnb/wgsl/generated/constants.wgsl',
      ]);
    });
  });
});
