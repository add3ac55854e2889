/** The type table: ggml's facts agree with every gguf-family spec, removed ids are flagged. */
import { FORMAT_SPECS, type ResolvedSpec } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { GGML_TYPE_COUNT, GGML_TYPES_BY_ID, TABLE_ONLY_IDS } from './ggml-types.ts';
import { scaleFields, tensorType, tensorTypeByName } from './tensor-types.ts';

describe('ggml type table', () => {
  it('lists every id below GGML_TYPE_COUNT once, in order', () => {
    expect(GGML_TYPES_BY_ID.map((t) => t.id)).toEqual([...Array(GGML_TYPE_COUNT).keys()]);
  });

  it('flags exactly the ids ggml removed', () => {
    const removed = GGML_TYPES_BY_ID.filter((t) => t.removed).map((t) => t.id);
    expect(removed).toEqual([4, 5, 31, 32, 33, 36, 37, 38]);
  });

  it('has one source per id: a spec, or a row of its own, never both', () => {
    const specIds = (Object.values(FORMAT_SPECS) as ResolvedSpec[])
      .filter((s) => s.family === 'gguf' && typeof s.params?.['ggmlTypeId'] === 'number')
      .map((s) => s.params!['ggmlTypeId'] as number);
    expect(specIds.filter((id) => TABLE_ONLY_IDS.has(id))).toEqual([]);
    expect(new Set([...specIds, ...TABLE_ONLY_IDS]).size).toBe(GGML_TYPE_COUNT);
  });

  it("agrees with every gguf spec's ggmlTypeId, block size and block bytes", () => {
    const specs = (Object.values(FORMAT_SPECS) as ResolvedSpec[]).filter(
      (s) => s.family === 'gguf' && typeof s.params?.['ggmlTypeId'] === 'number',
    );
    expect(specs.length).toBeGreaterThan(0);
    for (const s of specs) {
      const facts = GGML_TYPES_BY_ID[s.params!['ggmlTypeId'] as number]!;
      expect(facts.ggmlName.toLowerCase(), s.id).toBe(s.id);
      expect(facts.blockElements, s.id).toBe(s.layout.blockElements);
      expect(facts.blockBytes, s.id).toBe(s.layout.blockBytes);
      expect(tensorType(facts.id)?.spec?.id).toBe(s.id);
    }
  });

  it('finds types by either spelling and locates scale fields from the spec layout', () => {
    expect(tensorTypeByName('q4_K')?.id).toBe(12);
    expect(tensorTypeByName('q4_0_4_4')).toBeUndefined();
    const q6 = tensorType(14)!;
    if (q6.spec) expect(scaleFields(q6.spec)).toEqual([{ name: 'd', type: 'f16', offset: 208, count: 1 }]);
    const q40 = tensorType(2)!;
    if (q40.spec) expect(scaleFields(q40.spec)).toEqual([{ name: 'd', type: 'f16', offset: 0, count: 1 }]);
  });
});

describe('README finding catalogue', () => {
  it('lists every finding code with its severity and meaning', async () => {
    const { readFile } = await import('node:fs/promises');
    const { FINDING_CODES } = await import('./findings.ts');
    const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
    // Table rows as trimmed cells, whatever the column padding.
    const rows = readme
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim())
          .join(' | '),
      );
    for (const [code, [severity, meaning]] of Object.entries(FINDING_CODES)) {
      expect(rows, code).toContain(`\`${code}\` | ${severity} | ${meaning}`);
    }
    expect(rows.length).toBe(Object.keys(FINDING_CODES).length);
  });
});
