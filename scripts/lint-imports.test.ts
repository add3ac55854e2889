/**
 * The import-graph lint: the repository itself is clean, and each rule fires on a small workspace built for
 * it (a suite importing a suite, a package importing the CLI, an undeclared workspace or third-party import,
 * a relative path into another package), naming the file and line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importsOf, lintImports, packageOf } from './lint-imports.ts';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string | object>): string {
  const root = mkdtempSync(join(tmpdir(), 'qbench-lint-imports-'));
  dirs.push(root);
  const all = { 'package.json': { name: 'root', devDependencies: { vitest: '*' } }, ...files };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const pkg = (name: string, dependencies: Record<string, string> = {}) => ({ name, dependencies });

describe('lint-imports', () => {
  it('finds nothing in this repository', () => {
    expect(lintImports(repo)).toEqual([]);
  });

  it('reads static, re-export and dynamic imports with their lines', () => {
    const text = "import a from 'x';\nexport { b } from './b.ts';\nconst c = await import('@s/c/sub');\n";
    expect(importsOf(text)).toEqual([
      { specifier: 'x', line: 1 },
      { specifier: './b.ts', line: 2 },
      { specifier: '@s/c/sub', line: 3 },
    ]);
    expect(packageOf('@s/c/sub')).toBe('@s/c');
    expect(packageOf('tinybench')).toBe('tinybench');
  });

  it('flags a suite that imports another suite, even when it declares it', () => {
    const root = workspace({
      'suites/a/package.json': pkg('@q/suite-a', { '@q/suite-b': 'workspace:*' }),
      'suites/a/src/index.ts': "import b from '@q/suite-b';\nexport default b;\n",
      'suites/b/package.json': pkg('@q/suite-b'),
      'suites/b/src/index.ts': 'export default 1;\n',
    });
    const messages = lintImports(root).map((f) => `${f.file}:${f.line} ${f.message}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^suites\/a\/package.json:1 .*declares @q\/suite-b: suites are leaves/);
    expect(messages[1]).toMatch(/^suites\/a\/src\/index.ts:1 suite @q\/suite-a imports suite @q\/suite-b/);
  });

  it('flags an import of the CLI and a relative path into another package', () => {
    const root = workspace({
      'packages/cli/package.json': pkg('@q/cli'),
      'packages/cli/src/main.ts': 'export const main = 1;\n',
      'packages/core/package.json': pkg('@q/core'),
      'packages/core/src/x.ts': 'export const x = 1;\n',
      'suites/a/package.json': pkg('@q/suite-a'),
      'suites/a/src/index.ts':
        "import { main } from '../../../packages/cli/src/main.ts';\nimport { x } from '../../../packages/core/src/x.ts';\nexport default main + x;\n",
    });
    const f = lintImports(root);
    expect(f.map((x) => [x.file, x.line])).toEqual([
      ['suites/a/src/index.ts', 1],
      ['suites/a/src/index.ts', 2],
    ]);
    expect(f[0]!.message).toMatch(/imports the CLI/);
    expect(f[1]!.message).toMatch(/imports @q\/core, which is not in its package.json dependencies/);
  });

  it('flags an undeclared third-party import in sources, and allows devDependencies in tests only', () => {
    const root = workspace({
      'packages/a/package.json': { name: '@q/a', devDependencies: { tinybench: '*' } },
      'packages/a/src/index.ts': "import { Bench } from 'tinybench';\nimport { x } from 'node:fs';\n",
      'packages/a/src/a.test.ts': "import { Bench } from 'tinybench';\nimport { it } from 'vitest';\n",
    });
    const f = lintImports(root);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ file: 'packages/a/src/index.ts', line: 1 });
    expect(f[0]!.message).toMatch(/imports tinybench, which is not in its package.json dependencies/);
  });

  it('flags a declared dependency that nothing in the package imports', () => {
    const root = workspace({
      'packages/a/package.json': pkg('@q/a', { ajv: '*', '@types/node': '*' }),
      'packages/a/src/index.ts': 'export const a = 1;\n',
    });
    expect(lintImports(root)).toEqual([
      {
        file: 'packages/a/package.json',
        line: 1,
        message: '@q/a declares ajv, which nothing in the package imports',
      },
    ]);
  });
});
