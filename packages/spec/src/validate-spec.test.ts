/**
 * Every spec in the repository is valid (a broken spec fails `pnpm test` with file, JSON pointer and
 * reason), and the validator catches what the schema alone cannot: layouts that do not add up, a family
 * in the wrong folder, table hex that disagrees with its values.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generatedFiles } from './codegen/main.ts';
import { discoverSpecs } from './discover.ts';
import { formatProblem, validateSpec } from './validate-spec.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schema = join(root, 'formats', 'schema.json');
const q4_0 = JSON.parse(readFileSync(join(root, 'formats/gguf/specs/q4_0.json'), 'utf8')) as Record<
  string,
  unknown
>;

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}

describe('format specs', () => {
  it('every spec under formats/*/specs is valid', () => {
    const { specs, problems } = discoverSpecs(root);
    expect(problems.map(formatProblem)).toEqual([]);
    expect(specs.length).toBeGreaterThanOrEqual(2);
  });

  it('generated files are up to date with the specs (run `pnpm codegen`)', () => {
    const stale = [...generatedFiles(root)].filter(([rel, text]) => {
      try {
        return readFileSync(join(root, rel), 'utf8') !== text;
      } catch {
        return true;
      }
    });
    expect(stale.map(([rel]) => rel)).toEqual([]);
  });

  it('a schema violation names the file, the JSON pointer and the reason', () => {
    const bad = clone(q4_0);
    (bad['layout'] as { fields: { type: string }[] }).fields[1]!.type = 'u9';
    const problems = validateSpec('formats/gguf/specs/q4_0.json', bad, schema, 'gguf');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]!.file).toBe('formats/gguf/specs/q4_0.json');
    expect(problems[0]!.pointer).toBe('/layout/fields/1/type');
    expect(problems[0]!.reason).toMatch(/must be equal to one of the allowed values/);
  });

  it('a layout whose fields do not add up to blockBytes is rejected', () => {
    const bad = clone(q4_0);
    (bad['layout'] as { blockBytes: number }).blockBytes = 17;
    const problems = validateSpec('formats/gguf/specs/q4_0.json', bad, schema, 'gguf').map(formatProblem);
    expect(problems).toEqual([
      'formats/gguf/specs/q4_0.json: /layout: fields add up to 144 bits (18 bytes) but blockBytes is 17 (136 bits)',
    ]);
  });

  it('a family that does not match its folder, or an id that does not match its file, is rejected', () => {
    const problems = validateSpec('formats/bnb/specs/q4_1.json', q4_0, schema, 'bnb').map((p) => p.pointer);
    expect(problems).toEqual(['/family', '/id']);
  });

  it('f32 table hex must agree with the values', () => {
    const bad = clone(q4_0);
    bad['tables'] = {
      lut: { type: 'f32', values: [0.1, 0.5], hex: ['0x3DCCCCCD', '0x3F000001'], description: 'test table' },
    };
    const problems = validateSpec('formats/gguf/specs/q4_0.json', bad, schema, 'gguf').map(formatProblem);
    expect(problems).toEqual([
      'formats/gguf/specs/q4_0.json: /tables/lut/values/1: value 0.5 rounds to float32 0x3F000000, but hex says 0x3F000001',
    ]);
  });

  it('integer tables must hold integers of their type', () => {
    const bad = clone(q4_0);
    bad['tables'] = { kvalues: { type: 'i8', values: [-127, 128], description: 'test table' } };
    expect(validateSpec('formats/gguf/specs/q4_0.json', bad, schema, 'gguf').map((p) => p.pointer)).toEqual([
      '/tables/kvalues/values/1',
    ]);
  });
});
