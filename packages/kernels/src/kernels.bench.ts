/**
 * `pnpm bench`: decode and dot of q4_0, q8_0, q4_k on 4Mi elements per backend (vitest bench = tinybench),
 * beside a typed-array copy of the same output size. Kernels that can stage their inputs (wasm, webgpu) are
 * timed resident, like the throughput suite; the suite (`qbench run throughput`) is the source of record.
 */
import { type DecodeKernel, type DotKernel, loadFormat, type PreparedRun } from '@qbench/core';
import { bench, describe } from 'vitest';
import { listKernels } from './registry.ts';
import { makeCase } from './throughput.ts';

const ELEMENTS = 4 * 1024 * 1024;
const { kernels } = await listKernels({ formats: ['q4_0', 'q8_0', 'q4_k'] });

for (const id of ['q4_0', 'q8_0', 'q4_k']) {
  const format = await loadFormat(id);
  for (const op of ['decode', 'dot'] as const) {
    const c = makeCase(format, op, ELEMENTS);
    describe(`${id} ${op} (${ELEMENTS} elements)`, async () => {
      if (op === 'decode') {
        const src = new Float32Array(ELEMENTS).fill(1);
        const dst = new Float32Array(ELEMENTS);
        bench('typed-array copy of the output size', () => dst.set(src));
      }
      for (const traits of kernels.filter((k) => k.format === id && k.op === op)) {
        const kernel = await traits.load();
        // staged on first use, not here: a module's kernels share its allocator, so staging every kernel
        // up front would invalidate all but the last (PreparedRun)
        let prepared: Promise<PreparedRun> | undefined;
        const stage = (): Promise<PreparedRun> | undefined => {
          if (op === 'decode') {
            const k = kernel as DecodeKernel;
            return k.prepare ? Promise.resolve(k.prepare(c.q, c.elements)) : undefined;
          }
          const k = kernel as DotKernel;
          return k.prepare ? Promise.resolve(k.prepare(c.q, c.y!, c.rows!)) : undefined;
        };
        const out = new Float32Array(c.elements);
        bench(traits.id, async () => {
          prepared ??= stage();
          if (prepared) await (await prepared).run();
          else if (op === 'decode') await (kernel as DecodeKernel).decode(c.q, c.elements, out);
          else await (kernel as DotKernel).dot(c.q, c.y!, c.rows!);
        });
      }
    });
  }
}
