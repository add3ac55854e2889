#!/usr/bin/env node
/**
 * Builds every family's AssemblyScript module (formats/<family>/wasm/index.ts) into build/<family>.<target>.wasm
 * for both targets of asconfig.json: `release` (what the kernels run) and `debug` (assertions, source map).
 * `node scripts/build.mjs [--target release|debug]` builds one target only. The external-kernel examples
 * (examples/wasm/*.ts) are built too, into build/examples/, so `qbench validate` has a .wasm to check.
 * A family's relaxed-SIMD module (formats/<family>/wasm/relaxed/index.ts) is built with relaxed SIMD enabled
 * into build/relaxed/<family>.<target>.wasm, apart from the simd128 modules (engines without relaxed SIMD
 * reject it, so only the wasm-relaxed-simd backend loads it, after checking support).
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const root = resolve(pkg, '../..');
const formats = join(root, 'formats');
const argTarget = process.argv.indexOf('--target');
const targets = argTarget > 0 ? [process.argv[argTarget + 1]] : ['release', 'debug'];

const families = readdirSync(formats, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(formats, d.name, 'wasm', 'index.ts')))
  .map((d) => d.name)
  .sort();

mkdirSync(join(pkg, 'build'), { recursive: true });
let failed = 0;
for (const family of families) {
  const entry = relative(pkg, join(formats, family, 'wasm', 'index.ts'));
  for (const target of targets) {
    const outFile = join('build', `${family}.${target}.wasm`);
    const { error } = await asc.main(
      [entry, '--config', 'asconfig.json', '--target', target, '--outFile', outFile],
      {
        stdout: process.stdout,
        stderr: process.stderr,
      },
    );
    if (error) {
      failed++;
      process.stderr.write(`runtime-wasm: ${family} (${target}) failed: ${error.message}\n`);
    } else {
      process.stdout.write(`runtime-wasm: ${outFile}\n`);
    }
    const relaxed = join(formats, family, 'wasm', 'relaxed', 'index.ts');
    if (!existsSync(relaxed)) continue;
    mkdirSync(join(pkg, 'build', 'relaxed'), { recursive: true });
    const relaxedOut = join('build', 'relaxed', `${family}.${target}.wasm`);
    const r = await asc.main(
      [
        relative(pkg, relaxed),
        '--config',
        'asconfig.json',
        '--target',
        target,
        '--enable',
        'relaxed-simd',
        '--outFile',
        relaxedOut,
      ],
      { stdout: process.stdout, stderr: process.stderr },
    );
    if (r.error) {
      failed++;
      process.stderr.write(`runtime-wasm: ${family} relaxed (${target}) failed: ${r.error.message}\n`);
    } else {
      process.stdout.write(`runtime-wasm: ${relaxedOut}\n`);
    }
  }
}
// The worked external-kernel examples (examples/wasm/*.ts): release builds only, for `qbench validate`.
const examples = join(root, 'examples', 'wasm');
if (existsSync(examples) && targets.includes('release')) {
  mkdirSync(join(pkg, 'build', 'examples'), { recursive: true });
  for (const f of readdirSync(examples)
    .filter((n) => n.endsWith('.ts'))
    .sort()) {
    const outFile = join('build', 'examples', f.replace(/\.ts$/, '.wasm'));
    const { error } = await asc.main(
      [
        relative(pkg, join(examples, f)),
        '--config',
        'asconfig.json',
        '--target',
        'release',
        '--outFile',
        outFile,
      ],
      {
        stdout: process.stdout,
        stderr: process.stderr,
      },
    );
    if (error) {
      failed++;
      process.stderr.write(`runtime-wasm: example ${f} failed: ${error.message}\n`);
    } else {
      process.stdout.write(`runtime-wasm: ${outFile}\n`);
    }
  }
}
process.exitCode = failed > 0 ? 1 : 0;
