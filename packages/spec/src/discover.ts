/** Finds every formats/<family>/specs/*.json under the repository root, in a stable order. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deriveNumbers, type FormatSpec, type ResolvedSpec } from '@qbench/core/spec';
import { type SpecProblem, validateSpec } from './validate-spec.ts';

export interface DiscoveredSpec {
  /** Path relative to the repository root, '/'-separated. */
  file: string;
  family: string;
  spec: ResolvedSpec;
}

export interface Discovery {
  specs: DiscoveredSpec[];
  families: string[];
  problems: SpecProblem[];
}

export function discoverSpecs(root: string): Discovery {
  const formatsDir = join(root, 'formats');
  const schemaPath = join(formatsDir, 'schema.json');
  const specs: DiscoveredSpec[] = [];
  const problems: SpecProblem[] = [];
  const families = readdirSync(formatsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(formatsDir, d.name, 'specs')))
    .map((d) => d.name)
    .sort();
  const seen = new Map<string, string>();
  for (const family of families) {
    const dir = join(formatsDir, family, 'specs');
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort()) {
      const file = relative(root, join(dir, name)).split('\\').join('/');
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(join(dir, name), 'utf8'));
      } catch (e) {
        problems.push({ file, pointer: '', reason: `not valid JSON: ${(e as Error).message}` });
        continue;
      }
      const found = validateSpec(file, data, schemaPath, family);
      if (found.length > 0) {
        problems.push(...found);
        continue;
      }
      const spec = data as FormatSpec;
      const earlier = seen.get(spec.id);
      if (earlier) {
        problems.push({ file, pointer: '/id', reason: `id '${spec.id}' is already defined by ${earlier}` });
        continue;
      }
      seen.set(spec.id, file);
      const { $schema: _ignored, ...rest } = spec as FormatSpec & { $schema?: string };
      specs.push({ file, family, spec: { ...rest, derived: deriveNumbers(spec.layout) } });
    }
  }
  return { specs, families, problems };
}
