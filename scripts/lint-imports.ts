/**
 * Lint of the import graph between workspace packages (part of `pnpm lint`). Every import of every
 * workspace package's sources (static, `export … from`, dynamic `import()`, relative paths that leave the
 * package) is resolved to the package it lands in, and checked:
 *  - no suite imports (or declares) another suite: suites are leaves, work items in, records out;
 *  - no suite or package imports (or declares) the CLI;
 *  - an import of another workspace package, or of a third-party package, is a declared dependency of the
 *    importing package (dependencies; devDependencies too for tests and benchmarks, and the root's
 *    devDependencies for the test runner and tooling), so pnpm and turbo see the edge that the code has;
 *  - a declared dependency is imported somewhere in the package (type packages, @types/*, excepted), so the
 *    declared graph is not wider than the real one.
 * Usage: tsx scripts/lint-imports.ts [ROOT]   (default: this repository). Exit 1 on findings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the root, '/'-separated: packages/core, suites/roundtrip … */
  dir: string;
  kind: 'package' | 'format' | 'suite' | 'cli';
  dependencies: ReadonlySet<string>;
  devDependencies: ReadonlySet<string>;
}

export interface ImportEdge {
  /** File relative to the root. */
  file: string;
  line: number;
  specifier: string;
}

export interface Finding {
  file: string;
  line: number;
  message: string;
}

const WORKSPACE_GLOBS = ['packages', 'formats', 'suites'] as const;
const SOURCE = /\.(ts|mts|mjs|js)$/;
/** Tests, benchmarks and their helpers: devDependencies (the package's and the root's) are enough. */
const TEST_FILE = /(\.(test|bench)\.ts|\/test-support\.ts)$/;
const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', '.turbo']);
const BUILTINS = new Set(builtinModules);

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

function keys(v: unknown): Set<string> {
  return new Set(typeof v === 'object' && v !== null ? Object.keys(v) : []);
}

/**
 * Edges the code has that package.json cannot declare yet, each with why. Keep this list short and shrinking;
 * it is empty since the family loaders moved from core into @qbench/formats, above core and the families.
 */
const KNOWN_UNDECLARED: readonly { file: string; to: RegExp; why: string }[] = [];

/**
 * Dependencies a package loads by a name computed at run time, which no import statement shows: `qbench run`
 * discovers suites/<name>/src/index.ts, so the CLI declares every suite it may load.
 */
const RESOLVED_BY_PATH = /\bresolve\(\s*['"]([^'"./][^'"]*)['"]\s*\)/g;

const LOADED_AT_RUN_TIME: readonly { pkg: string; deps: RegExp }[] = [
  { pkg: '@qbench/cli', deps: /^@qbench\/suite-/ },
];

export function workspacePackages(root: string): WorkspacePackage[] {
  const out: WorkspacePackage[] = [];
  for (const top of WORKSPACE_GLOBS) {
    const base = join(root, top);
    if (!existsSync(base)) continue;
    for (const d of readdirSync(base, { withFileTypes: true })) {
      const manifest = join(base, d.name, 'package.json');
      if (!d.isDirectory() || !existsSync(manifest)) continue;
      const pkg = readJson(manifest);
      const dir = `${top}/${d.name}`;
      out.push({
        name: String(pkg['name']),
        dir,
        kind:
          top === 'suites'
            ? 'suite'
            : top === 'formats'
              ? 'format'
              : dir === 'packages/cli'
                ? 'cli'
                : 'package',
        dependencies: keys(pkg['dependencies']),
        devDependencies: keys(pkg['devDependencies']),
      });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP_DIRS.has(d.name) || d.name.startsWith('.')) continue;
    const p = join(dir, d.name);
    if (d.isDirectory()) out.push(...sourceFiles(p));
    else if ((SOURCE.test(d.name) && !d.name.endsWith('.d.ts')) || d.name === 'tsconfig.json') out.push(p);
  }
  return out;
}

/** Every module specifier a file imports: static imports, re-exports, dynamic import() with a literal. */
export function importsOf(text: string, file = 'x.ts'): { specifier: string; line: number }[] {
  // a tsconfig's `extends` names a package (e.g. assemblyscript/std/assembly.json) like an import does
  if (file.endsWith('tsconfig.json')) {
    const ext = (JSON.parse(text) as { extends?: unknown }).extends;
    return typeof ext === 'string' ? [{ specifier: ext, line: 1 }] : [];
  }
  const info = ts.preProcessFile(text, true, true);
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  return info.importedFiles.map((f) => ({ specifier: f.fileName, line: lineOf(f.pos) }));
}

/** The package a bare specifier names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

function owner(
  packages: readonly WorkspacePackage[],
  root: string,
  file: string,
): WorkspacePackage | undefined {
  const rel = relative(root, file).split(sep).join('/');
  return packages.find((p) => rel === p.dir || rel.startsWith(`${p.dir}/`));
}

/** The findings for one import of `from` (a file of package `pkg`) that lands in package `to`. */
export function checkEdge(
  pkg: WorkspacePackage,
  to: WorkspacePackage | string,
  isTest: boolean,
  rootDev: ReadonlySet<string>,
): string | undefined {
  const name = typeof to === 'string' ? to : to.name;
  if (typeof to !== 'string') {
    if (to.name === pkg.name) return undefined;
    if (pkg.kind === 'suite' && to.kind === 'suite')
      return `suite ${pkg.name} imports suite ${to.name}: suites are leaves (move what both need into a package)`;
    if (to.kind === 'cli')
      return `${pkg.name} imports the CLI (${to.name}): nothing but the CLI may depend on it`;
  }
  if (pkg.dependencies.has(name)) return undefined;
  if (isTest && (pkg.devDependencies.has(name) || rootDev.has(name))) return undefined;
  return `${pkg.name} imports ${name}, which is not in its package.json ${isTest ? 'dependencies or devDependencies' : 'dependencies'}`;
}

export function lintImports(root: string): Finding[] {
  const packages = workspacePackages(root);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const rootDev = keys(readJson(join(root, 'package.json'))['devDependencies']);
  const findings: Finding[] = [];
  for (const pkg of packages) {
    // declared edges first: a suite that declares another suite (or anything that declares the CLI) is wrong
    // even before it imports it
    for (const dep of [...pkg.dependencies, ...pkg.devDependencies]) {
      const to = byName.get(dep);
      if (!to || to.name === pkg.name) continue;
      if ((pkg.kind === 'suite' && to.kind === 'suite') || to.kind === 'cli')
        findings.push({
          file: `${pkg.dir}/package.json`,
          line: 1,
          message: `${pkg.name} declares ${dep}: ${to.kind === 'cli' ? 'nothing but the CLI may depend on the CLI' : 'suites are leaves'}`,
        });
    }
    const used = new Set<string>();
    for (const file of sourceFiles(join(root, pkg.dir))) {
      const rel = relative(root, file).split(sep).join('/');
      // outside src/ (build scripts, AssemblyScript and WGSL kernels compiled at build time) and tests:
      // build-time edges, which devDependencies declare
      const isTest = TEST_FILE.test(rel) || !rel.startsWith(`${pkg.dir}/src/`);
      const text = readFileSync(file, 'utf8');
      // A package resolved by path (`require.resolve('pkg/file')`, `createRequire(…).resolve('tsx')`: a file
      // it ships, or a loader handed to a child process) is used without an import.
      for (const m of text.matchAll(RESOLVED_BY_PATH)) used.add(packageOf(m[1]!));
      for (const { specifier, line } of importsOf(text, file)) {
        let to: WorkspacePackage | string | undefined;
        if (!specifier.startsWith('.')) used.add(packageOf(specifier));
        if (specifier.startsWith('.')) {
          to = owner(packages, root, resolve(dirname(file), specifier));
          if (to) used.add(to.name);
          if (to === undefined || to.name === pkg.name) continue;
        } else {
          if (specifier.startsWith('node:') || BUILTINS.has(specifier)) continue;
          const name = packageOf(specifier);
          to = byName.get(name) ?? name;
        }
        if (
          KNOWN_UNDECLARED.some((k) => rel.startsWith(k.file) && typeof to !== 'string' && k.to.test(to.name))
        )
          continue;
        const message = checkEdge(pkg, to, isTest, rootDev);
        if (message) findings.push({ file: rel, line, message: `${message} ('${specifier}')` });
      }
    }
    for (const dep of [...pkg.dependencies, ...pkg.devDependencies]) {
      if (used.has(dep) || dep.startsWith('@types/')) continue;
      if (LOADED_AT_RUN_TIME.some((l) => l.pkg === pkg.name && l.deps.test(dep))) continue;
      findings.push({
        file: `${pkg.dir}/package.json`,
        line: 1,
        message: `${pkg.name} declares ${dep}, which nothing in the package imports`,
      });
    }
  }
  return findings;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const findings = lintImports(root);
  for (const f of findings) console.error(`${f.file}:${f.line}: ${f.message}`);
  if (findings.length > 0) {
    console.error(`lint-imports: ${findings.length} finding(s)`);
    process.exitCode = 1;
  } else console.log('lint-imports: the import graph matches the declared dependencies');
}
