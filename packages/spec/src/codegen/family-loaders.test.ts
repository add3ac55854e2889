import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAMILIES } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { emitFamilyLoaders } from './emit-ts.ts';
import { undeclaredFamilies } from './main.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('family loaders codegen', () => {
  it('imports each family by its package name, which @qbench/formats declares', () => {
    expect(undeclaredFamilies(repo, [...FAMILIES])).toEqual([]);
    const text = emitFamilyLoaders(['bfp', 'gguf']);
    expect(text).toContain("  bfp: () => import('@qbench/format-bfp'),");
    expect(text).toContain("  gguf: () => import('@qbench/format-gguf'),");
    expect(text).not.toMatch(/\.\.\//);
  });

  it('refuses a family the package does not depend on, naming it', () => {
    const root = mkdtempSync(join(tmpdir(), 'qbench-formats-'));
    try {
      mkdirSync(join(root, 'packages/formats'), { recursive: true });
      const deps = { '@qbench/core': 'workspace:*', '@qbench/format-bfp': 'workspace:*' };
      writeFileSync(join(root, 'packages/formats/package.json'), JSON.stringify({ dependencies: deps }));
      expect(undeclaredFamilies(root, ['bfp', 'gguf'])).toEqual(['@qbench/format-gguf']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
