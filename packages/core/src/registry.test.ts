import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { QbenchError } from './errors.ts';
import {
  type FamilyLoaders,
  FORMAT_IDS,
  FORMAT_SPECS,
  installFamilyLoaders,
  loadFormat,
  resolveSpec,
} from './registry.ts';

describe('generated registry', () => {
  it('has the pilot formats with bits/weight derived from their layouts', () => {
    expect(FORMAT_SPECS.q8_0.derived.bitsPerWeight).toBe(8.5);
    expect(FORMAT_SPECS.q4_0.derived.bitsPerWeight).toBe(4.5);
  });

  it('every spec id maps to a loadable reference codec whose block size matches the spec', async () => {
    for (const id of FORMAT_IDS) {
      const f = await loadFormat(id);
      expect(f.id).toBe(id);
      // A length every block structure divides (blocks, channel groups and bnb's 4096 are powers of two).
      const n = f.blockElements * 8192;
      expect(f.reference.encodedBytes(n)).toBeGreaterThan(0);
    }
  });

  it('an unknown id is a QbenchError that points at `qbench formats`', async () => {
    await expect(resolveSpec('q4_00')).rejects.toThrow(QbenchError);
    await expect(resolveSpec('q4_00')).rejects.toThrow(/unknown format 'q4_00'/);
  });
});

describe('family loaders', () => {
  it('without @qbench/formats, loading a format is a format.registry error that says what to import', () => {
    // A fresh process that imports core alone (the test setup installs the registry in this one).
    const core = new URL('./index.ts', import.meta.url).href;
    const script = `import(${JSON.stringify(core)}).then((c) => c.loadFormat('q4_0')).then(
      () => console.log('loaded'),
      (e) => console.log(e.code + ': ' + e.message))`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
    expect(out).toMatch(/^format\.registry: no format families installed, so family 'gguf' cannot load/);
    expect(out).toMatch(/import '@qbench\/formats'/);
  });

  it('installing a table that lacks a family is refused, naming it', () => {
    const partial = { bfp: () => Promise.reject(new Error('unused')) } as unknown as FamilyLoaders;
    expect(() => installFamilyLoaders(partial)).toThrow(/family loaders lack bnb, gguf/);
  });
});
