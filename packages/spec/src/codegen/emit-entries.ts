/**
 * Kernel entry points of the specs a shared kernel serves (generic-kernels.ts), so that adding such a
 * variant is adding its spec:
 *  - formats/<family>/wasm/generated/entries.ts: `<id>_decode` and (where the spec states a tolerance.dot)
 *    `<id>_dot`, each one call of the shared kernel with the spec's generated constants, and the re-export
 *    of every hand-written kernel (a top-level `export function <id>_decode|_dot` in wasm/*.ts, <id> a spec
 *    of the family), so no list of kernels is kept by hand; the family's wasm/index.ts re-exports the file
 *    whole, and runtime-wasm finds the kernels by export name;
 *  - formats/<family>/wgsl/generated/<id>.<element|tensor|decode>.wgsl: the include binding the family's WGSL
 *    decode to the spec's constants, found by file name by the runtime-webgpu loader (shaders.ts).
 * Opt-in by folder, as the constants: a family without wasm/ (wgsl/) gets no AS (WGSL) entry points.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedSpec } from '@qbench/core/spec';
import { emitAssemblyScript, HEADER } from './emit-kernels.ts';
import { type GenericKernel, genericKernelOf, type WgslInclude } from './generic-kernels.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

interface Served {
  spec: ResolvedSpec;
  kernel: GenericKernel;
}

function served(specs: ResolvedSpec[]): Served[] {
  const out: Served[] = [];
  for (const spec of specs) {
    const kernel = genericKernelOf(spec, specs);
    if (kernel) out.push({ spec, kernel });
  }
  return out;
}

/** The generated constants an AS text names (of `generated`, the family's), to import them by name. */
function constantsIn(text: string, generated: ReadonlySet<string>): string[] {
  return [...text.matchAll(/\b[A-Z][A-Z0-9_]*[A-Z0-9]\b/g)].map((m) => m[0]).filter((n) => generated.has(n));
}

const HAND_KERNEL = /^export function ([a-z0-9_]+)_(decode|dot)\(/gm;

/**
 * The hand-written kernels of a family by module (wasm/<module>.ts, index.ts aside): the exported functions
 * named after one of its specs. A spec a shared kernel serves must not have one too (two kernels, one name).
 */
export function handKernels(family: string, specs: ResolvedSpec[], root = repoRoot): Map<string, string[]> {
  const dir = join(root, 'formats', family, 'wasm');
  const ids = new Set(specs.map((s) => s.id));
  const generic = new Set(served(specs).map((x) => x.spec.id));
  const out = new Map<string, string[]>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir).sort()) {
    if (!f.endsWith('.ts') || f === 'index.ts') continue;
    const names: string[] = [];
    for (const m of readFileSync(join(dir, f), 'utf8').matchAll(HAND_KERNEL)) {
      if (!ids.has(m[1]!)) continue;
      if (generic.has(m[1]!))
        throw new Error(
          `formats/${family}/wasm/${f} defines ${m[1]}_${m[2]}, but a shared kernel serves ${m[1]}: delete it (codegen writes it into wasm/generated/entries.ts)`,
        );
      names.push(`${m[1]}_${m[2]}`);
    }
    if (names.length > 0) out.set(f.replace(/\.ts$/, ''), names.sort());
  }
  return out;
}

export function emitWasmEntries(
  family: string,
  specs: ResolvedSpec[],
  hand: ReadonlyMap<string, string[]> = new Map(),
): string | undefined {
  const list = served(specs);
  if (list.length === 0 && hand.size === 0) return undefined;
  const generated = new Set(
    [...emitAssemblyScript(family, specs).matchAll(/^export const ([A-Z0-9_]+)/gm)].map((m) => m[1]!),
  );
  const imports = new Map<string, Set<string>>();
  const use = (module: string, names: Iterable<string>) => {
    const set = imports.get(module) ?? new Set<string>();
    for (const n of names) set.add(n);
    imports.set(module, set);
  };
  const bodies: string[] = [];
  const shared = new Set<GenericKernel>();
  for (const { kernel } of list) {
    if (!kernel.wasm.shared || shared.has(kernel)) continue;
    shared.add(kernel);
    const lines = kernel.wasm.shared(list.filter((x) => x.kernel === kernel).map((x) => x.spec));
    use('./constants', constantsIn(lines.join('\n'), generated));
    bodies.push(...lines, '');
  }
  for (const { spec, kernel } of list) {
    const decode = kernel.wasm.decode(spec);
    const dot = spec.tolerance.dot ? kernel.wasm.dot(spec) : undefined;
    // the kernel's modules are named from wasm/; this file is one folder down
    for (const [module, names] of Object.entries(kernel.wasm.imports)) use(posix.join('..', module), names);
    use('./constants', constantsIn(decode + (dot ?? ''), generated));
    bodies.push(`// ${spec.id}: ${kernel.summary}`);
    bodies.push(
      `export function ${spec.id}_decode(src: usize, n: i32, dst: usize): void {`,
      `  ${decode}`,
      '}',
    );
    if (dot)
      bodies.push(
        `export function ${spec.id}_dot(w: usize, y: usize, rows: i32, n: i32, dst: usize): void {`,
        `  ${dot}`,
        '}',
      );
  }
  const importLines = [...imports.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([module, names]) =>
        `import {\n${[...names]
          .sort()
          .map((n) => `  ${n},\n`)
          .join('')}} from '${module}';`,
    );
  const reexports = [...hand.entries()].map(
    ([module, names]) => `export {\n${names.map((n) => `  ${n},\n`).join('')}} from '../${module}';`,
  );
  return [
    `// ${HEADER}`,
    `// The ${family} family's kernel entry points: the hand-written kernels re-exported from their modules, and`,
    '// those of the specs a shared kernel serves (packages/spec/src/codegen/generic-kernels.ts picks it from each',
    "// spec's kinds). wasm/index.ts re-exports this file; runtime-wasm finds the kernels by name.",
    ...reexports,
    ...importLines,
    '',
    ...bodies,
    '',
  ].join('\n');
}

export function emitWgslEntries(specs: ResolvedSpec[]): [string, string][] {
  const out: [string, string][] = [];
  for (const { spec, kernel } of served(specs)) {
    for (const [kind, emit] of Object.entries(kernel.wgsl) as [WgslInclude, (s: ResolvedSpec) => string][]) {
      const text = emit(spec);
      // '' where the family's WGSL decode does not serve this spec (it keeps a hand-written kernel)
      if (text !== '') out.push([`${spec.id}.${kind}.wgsl`, `// ${HEADER}\n${text}\n`]);
    }
  }
  return out;
}

/** The family emitter: entry points where formats/<family>/wasm (wgsl) exists and a shared kernel serves a spec. */
export function kernelEntries(family: string, specs: ResolvedSpec[], root = repoRoot): [string, string][] {
  const out: [string, string][] = [];
  if (existsSync(join(root, 'formats', family, 'wasm'))) {
    const text = emitWasmEntries(family, specs, handKernels(family, specs, root));
    if (text !== undefined) out.push([`formats/${family}/wasm/generated/entries.ts`, text]);
  }
  if (existsSync(join(root, 'formats', family, 'wgsl'))) {
    for (const [name, text] of emitWgslEntries(specs)) {
      // a hand-written include of the same name would be a second kernel for the format
      if (existsSync(join(root, 'formats', family, 'wgsl', name)))
        throw new Error(
          `formats/${family}/wgsl/${name} is hand-written, but a shared kernel serves ${name.split('.')[0]}: delete it (codegen writes wgsl/generated/${name})`,
        );
      out.push([`formats/${family}/wgsl/generated/${name}`, text]);
    }
  }
  return out;
}
