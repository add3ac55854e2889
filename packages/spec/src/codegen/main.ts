/**
 * `pnpm codegen`: validate every spec and write the generated files. `--check` writes nothing and exits
 * 1 when a generated file is missing or stale (the CI gate), naming the file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverSpecs } from '../discover.ts';
import { formatProblem } from '../validate-spec.ts';
import { emitMetrics, METRICS_FILE, schemaMetricNames } from './emit-metrics.ts';
import { emitFamilySpecs, emitRegistry } from './emit-ts.ts';
import { familyEmitters } from './family-emitters.ts';
import { emitReadmeFormats } from './readme.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function generatedFiles(repoRoot: string): Map<string, string> {
  const { specs, families, problems } = discoverSpecs(repoRoot);
  if (problems.length > 0) {
    throw new Error(`invalid format specs:\n${problems.map(formatProblem).join('\n')}`);
  }
  const out = new Map<string, string>();
  out.set('packages/core/src/generated/registry.ts', emitRegistry(specs, families));
  out.set(METRICS_FILE, emitMetrics(schemaMetricNames(repoRoot)));
  for (const family of families) {
    const own = specs.filter((s) => s.family === family).map((s) => s.spec);
    out.set(`formats/${family}/src/generated/specs.ts`, emitFamilySpecs(family, own));
    for (const emit of familyEmitters) {
      for (const [path, text] of emit(family, own)) out.set(path, text);
    }
  }
  const readme = emitReadmeFormats(
    repoRoot,
    specs.map((s) => s.spec),
  );
  if (readme !== undefined) out.set('README.md', readme);
  return out;
}

function main(): number {
  const check = process.argv.includes('--check');
  let files: Map<string, string>;
  try {
    files = generatedFiles(root);
  } catch (e) {
    process.stderr.write(`codegen: ${(e as Error).message}\n`);
    return 1;
  }
  const stale: string[] = [];
  for (const [rel, text] of files) {
    const path = join(root, rel);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    if (check) {
      stale.push(rel);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  }
  if (check && stale.length > 0) {
    process.stderr.write(
      `codegen: generated files are out of date (run \`pnpm codegen\`):\n  ${stale.join('\n  ')}\n`,
    );
    return 1;
  }
  process.stdout.write(`codegen: ${files.size} generated files ${check ? 'up to date' : 'written'}\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main();
}
