/**
 * qbench's own wasm-simd128 kernels. Every family with formats/<family>/wasm/index.ts is built into
 * build/<family>.<target>.wasm (scripts/build.mjs); every export named `<format>_decode` or `<format>_dot`
 * of that module is a kernel. Nothing here names a format: adding a kernel is adding an export.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  FORMAT_SPECS,
  type FormatId,
  isFormatId,
  type Kernel,
  type KernelTraits,
  kernelId,
  loadFormat,
  QbenchError,
  type Shape,
} from '@qbench/core';
import { type AbiModule, instantiateAbi } from './abi.ts';
import { abiDecodeKernel, abiDotKernel, abiShape } from './kernels.ts';

export type WasmTarget = 'release' | 'debug';

const buildDir = fileURLToPath(new URL('../build/', import.meta.url));

export function wasmBuildPath(family: string, target: WasmTarget = 'release'): string {
  return `${buildDir}${family}.${target}.wasm`;
}

/** A family's relaxed-SIMD module (formats/<family>/wasm/relaxed/), built apart from the simd128 one. */
export function wasmRelaxedBuildPath(family: string, target: WasmTarget = 'release'): string {
  return `${buildDir}relaxed/${family}.${target}.wasm`;
}

/** Families whose relaxed-SIMD module has been built for `target`. */
export function builtRelaxedFamilies(target: WasmTarget = 'release'): string[] {
  const dir = `${buildDir}relaxed/`;
  if (!existsSync(dir)) return [];
  const suffix = `.${target}.wasm`;
  return readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
}

/** Families whose module has been built for `target`. */
export function builtFamilies(target: WasmTarget = 'release'): string[] {
  if (!existsSync(buildDir)) return [];
  const suffix = `.${target}.wasm`;
  return readdirSync(buildDir)
    .filter((f) => f.endsWith(suffix))
    .map((f) => f.slice(0, -suffix.length))
    .sort();
}

const modules = new Map<string, Promise<AbiModule>>();

/** The instantiated module of a family (one instance per family and target, shared by its kernels). */
export function familyModule(family: string, target: WasmTarget = 'release'): Promise<AbiModule> {
  const key = `${family}.${target}`;
  let m = modules.get(key);
  if (!m) {
    const path = wasmBuildPath(family, target);
    if (!existsSync(path)) {
      return Promise.reject(
        new QbenchError(
          'wasm.unbuilt',
          `wasm module ${family}.${target}.wasm is not built: run \`pnpm build\``,
        ),
      );
    }
    m = instantiateAbi(new Uint8Array(readFileSync(path)), `${family}.${target}.wasm`);
    modules.set(key, m);
  }
  return m;
}

const KERNEL_EXPORT = /^(.+)_(decode|dot)$/;

function traits(family: string, format: FormatId, op: 'decode' | 'dot', target: WasmTarget): KernelTraits {
  const spec = FORMAT_SPECS[format];
  const be = spec.layout.blockElements;
  const exportName = `${format}_${op}`;
  return {
    id: kernelId(format, op, 'wasm-simd128'),
    format,
    op,
    backend: 'wasm-simd128',
    supports: (s: Shape) =>
      s.n % be === 0 ? true : `n = ${s.n} is not a multiple of the ${format} block (${be} elements)`,
    async load(): Promise<Kernel> {
      const mod = await familyModule(family, target);
      // inputs sized as the reference encodes a tensor (a dot's matrix is one tensor): abiShape
      const ref = (await loadFormat(format)).reference;
      const shape = abiShape(spec, (n) => ref.encodedBytes(n));
      return op === 'decode' ? abiDecodeKernel(mod, exportName, shape) : abiDotKernel(mod, exportName, shape);
    },
  };
}

/** Every built wasm kernel, sorted by id. Families whose module is not built contribute nothing (see builtFamilies). */
export async function wasmKernels(target: WasmTarget = 'release'): Promise<KernelTraits[]> {
  const out: KernelTraits[] = [];
  for (const family of builtFamilies(target)) {
    const mod = await familyModule(family, target);
    for (const name of Object.keys(mod.exports)) {
      const m = KERNEL_EXPORT.exec(name);
      if (!m || !mod.has(name)) continue;
      const format = m[1]!;
      if (!isFormatId(format)) {
        throw new QbenchError(
          'wasm.export',
          `${family} module exports ${name}, but '${format}' is not a format id`,
        );
      }
      out.push(traits(family, format, m[2] as 'decode' | 'dot', target));
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
