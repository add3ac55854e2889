import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedSpec } from '@qbench/core/spec';
import { spliceReadme } from './emit-readme.ts';

/** The whole README with its format table regenerated, or undefined when there is no README yet. */
export function emitReadmeFormats(root: string, specs: ResolvedSpec[]): string | undefined {
  const path = join(root, 'README.md');
  if (!existsSync(path)) return undefined;
  return spliceReadme(readFileSync(path, 'utf8'), specs);
}
