/**
 * The wasm-relaxed-simd backend: qbench's AssemblyScript dots that relaxed SIMD makes faster
 * (formats/<family>/wasm/relaxed/, built into build/relaxed/), each bit-identical to its simd128 kernel and
 * held to the same conformance harness. Relaxed SIMD is on in Node ≥ 22 and Chrome ≥ 114; Node 20 compiles
 * it once V8's --experimental-wasm-relaxed-simd is set before the module is compiled, which this plugin
 * does. Support is detected by validating a module that uses i16x8.relaxed_dot_i8x16_i7x16_s; where it does
 * not validate, the backend lists nothing and says why, and the wasm-simd128 kernels are what runs (both
 * are always listed side by side where both work, so the throughput tables show the gain).
 */
import { existsSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { FORMAT_SPECS, type Format, isFormatId, type KernelTraits, kernelId } from '@qbench/core';
import {
  type AbiModule,
  abiDotKernel,
  abiShape,
  builtRelaxedFamilies,
  instantiateAbi,
  wasmRelaxedBuildPath,
} from '@qbench/runtime-wasm';
import type { KernelBackend } from '../backend.ts';
import { wasmCopyYardstick } from '../wasm-simd128/index.ts';

const ID = 'wasm-relaxed-simd';

/** (func (result v128) v128.const 0, v128.const 0, i16x8.relaxed_dot_i8x16_i7x16_s): valid only with relaxed SIMD. */
const PROBE = Uint8Array.from([
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00,
  0x01,
  0x05,
  0x01,
  0x60,
  0x00,
  0x01,
  0x7b,
  0x03,
  0x02,
  0x01,
  0x00,
  0x0a,
  0x2b,
  0x01,
  0x29,
  0x00,
  0xfd,
  0x0c,
  ...new Array<number>(16).fill(0),
  0xfd,
  0x0c,
  ...new Array<number>(16).fill(0),
  0xfd,
  0x92,
  0x02,
  0x0b,
]);

let support: true | string | undefined;

/** Whether this engine compiles relaxed SIMD (turning V8's flag on where it is off by default), or why not. */
export function relaxedSimdSupport(): true | string {
  if (support !== undefined) return support;
  if (!WebAssembly.validate(PROBE)) {
    try {
      setFlagsFromString('--experimental-wasm-relaxed-simd');
    } catch {
      // not V8, or flags locked: the second validate says so
    }
  }
  support = WebAssembly.validate(PROBE)
    ? true
    : `this engine (Node ${process.versions.node}, V8 ${process.versions.v8}) does not compile relaxed SIMD (i16x8.relaxed_dot_i8x16_i7x16_s), not even with --experimental-wasm-relaxed-simd`;
  return support;
}

const modules = new Map<string, Promise<AbiModule>>();

function relaxedModule(family: string): Promise<AbiModule> {
  let m = modules.get(family);
  if (!m) {
    const path = wasmRelaxedBuildPath(family);
    m = instantiateAbi(new Uint8Array(readFileSync(path)), `relaxed/${family}.release.wasm`);
    modules.set(family, m);
  }
  return m;
}

const DOT_EXPORT = /^(.+)_dot$/;

export const wasmRelaxedSimdBackend: KernelBackend = {
  id: ID,
  summary:
    'AssemblyScript dots compiled with relaxed SIMD (relaxed_dot_i8x16_i7x16_s), bit-identical to simd128',
  oracle: false,
  timingWeight: 1,
  async list(formats: readonly Format[]) {
    const ok = relaxedSimdSupport();
    if (ok !== true) return { unavailable: ok };
    const families = builtRelaxedFamilies().filter((f) => existsSync(wasmRelaxedBuildPath(f)));
    if (families.length === 0)
      return { unavailable: 'no relaxed-SIMD wasm module is built: run `pnpm build`' };
    const wanted = new Map(formats.map((f) => [f.id, f]));
    const kernels: KernelTraits[] = [];
    for (const family of families) {
      const mod = await relaxedModule(family);
      for (const name of Object.keys(mod.exports)) {
        const id = DOT_EXPORT.exec(name)?.[1];
        if (!id || !isFormatId(id) || !mod.has(name)) continue;
        const format = wanted.get(id);
        if (!format) continue;
        const be = FORMAT_SPECS[id].layout.blockElements;
        kernels.push({
          id: kernelId(id, 'dot', ID),
          format: id,
          op: 'dot',
          backend: ID,
          supports: (s) =>
            s.n % be === 0 ? true : `n = ${s.n} is not a multiple of the ${id} block (${be} elements)`,
          async load() {
            const shape = abiShape(format.spec, (n) => format.reference.encodedBytes(n));
            return abiDotKernel(await relaxedModule(family), name, shape);
          },
        });
      }
    }
    return { kernels: kernels.sort((a, b) => a.id.localeCompare(b.id)) };
  },
  yardstick: wasmCopyYardstick,
};
