/** GGML_TYPES is generated: one entry per gguf spec, and a spec without its reference module fails codegen. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FORMAT_IDS, FORMAT_SPECS } from '@qbench/core';
import { afterAll, describe, expect, it } from 'vitest';
import { emitGgmlTypes, ggmlTypes } from './emit-ggml-types.ts';

const gguf = FORMAT_IDS.filter((id) => FORMAT_SPECS[id].family === 'gguf').map((id) => FORMAT_SPECS[id]);

describe('GGML_TYPES', () => {
  it('imports every gguf spec’s codec from reference/<id>.ts', () => {
    const text = emitGgmlTypes(gguf);
    for (const s of gguf) {
      expect(text).toContain(`import { ${s.id} } from '../reference/${s.id}.ts';`);
      expect(text).toContain(`  ${s.id},\n`);
    }
  });

  const root = mkdtempSync(join(tmpdir(), 'qbench-ggml-types-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  it('only for the gguf family, and a spec without its module is an error naming the file', () => {
    expect(ggmlTypes('minifloat', [FORMAT_SPECS.e4m3fn], root)).toEqual([]);
    mkdirSync(join(root, 'formats', 'gguf', 'src', 'reference'), { recursive: true });
    expect(() => ggmlTypes('gguf', [FORMAT_SPECS.q4_0], root)).toThrow(
      /formats\/gguf\/src\/reference\/q4_0\.ts/,
    );
  });
});
