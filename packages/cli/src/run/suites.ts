/**
 * Suite discovery: every suites/<name>/src/index.ts that default-exports a Suite takes part in `qbench run`.
 * A folder without an index.ts, or whose module fails to load or exports something else, is skipped with
 * a note that the runner prints — a broken suite must not stop the others.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Suite } from '@qbench/spec';

export interface DiscoveredSuites {
  suites: Suite[];
  /** One line per skipped folder, with the reason. */
  notes: string[];
}

function isSuite(v: unknown): v is Suite {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s['name'] === 'string' &&
    typeof s['workItems'] === 'function' &&
    typeof s['runItem'] === 'function'
  );
}

export async function discoverSuites(suitesDir: string): Promise<DiscoveredSuites> {
  const suites: Suite[] = [];
  const notes: string[] = [];
  if (!existsSync(suitesDir)) return { suites, notes: [`${suitesDir}: no suites folder`] };
  const names = readdirSync(suitesDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const entry = join(suitesDir, name, 'src', 'index.ts');
    if (!existsSync(entry)) {
      notes.push(`suites/${name}: skipped (no src/index.ts yet)`);
      continue;
    }
    try {
      const mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
      if (!isSuite(mod.default)) {
        notes.push(
          `suites/${name}: skipped (src/index.ts does not default-export a Suite {name, workItems, runItem})`,
        );
        continue;
      }
      if (mod.default.name !== name) {
        notes.push(
          `suites/${name}: skipped (its Suite is named '${mod.default.name}'; the name must equal the folder)`,
        );
        continue;
      }
      suites.push(mod.default);
    } catch (e) {
      notes.push(
        `suites/${name}: skipped (failed to load: ${(e as Error).message?.split('\n')[0] ?? String(e)})`,
      );
    }
  }
  return { suites, notes };
}
