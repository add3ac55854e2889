/**
 * Throughput of the gguf reference codecs (the readable, bit-exact TypeScript ports; not the fast kernels):
 * encode (ggml_quantize_chunk without imatrix) and decode of one 1M-element row, N(0,1)·0.02, for every
 * type in GGML_TYPES. Each iteration times itself, and a table of elements/s and GB/s of float32 (4 bytes
 * per element on the float side) is printed at the end, next to vitest's ops/s. The table also gives the
 * process CPU time of the best run: on a shared machine wall time includes waiting for a core.
 * Run: pnpm exec vitest bench --run formats/gguf
 */
import { generate } from '@qbench/core';
import { afterAll, bench, describe } from 'vitest';
import { GGML_TYPES } from './reference/index.ts';

const N = 1 << 20;
const x = generate({ kind: 'gaussian', sigma: 0.02 }, N, 1000);
const OPTIONS = { iterations: 3, warmupIterations: 1, time: 0, warmupTime: 0 } as const;

/** Fastest observed wall time per (type, op) in ms, with the process CPU time of that run. */
const best = new Map<string, { ms: number; cpuMs: number }>();

function timed(key: string, run: () => void): () => void {
  return () => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    run();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (ms < (best.get(key)?.ms ?? Number.POSITIVE_INFINITY))
      best.set(key, { ms, cpuMs: (c.user + c.system) / 1000 });
  };
}

for (const [id, impl] of Object.entries(GGML_TYPES)) {
  describe(id, () => {
    const q = new Uint8Array((N / impl.blockElements) * impl.blockBytes);
    impl.quantizeRow(x, q);
    const y = new Float32Array(N);
    bench(
      `${id} encode 1M`,
      timed(`${id}\tencode`, () => impl.quantizeRow(x, q)),
      OPTIONS,
    );
    bench(
      `${id} decode 1M`,
      timed(`${id}\tdecode`, () => impl.dequantizeRow(q, y)),
      OPTIONS,
    );
  });
}

afterAll(() => {
  const rows = [...best].map(([key, { ms, cpuMs }]) => {
    const [id, op] = key.split('\t');
    const elementsPerS = N / (ms / 1000);
    return (
      `${id!.padEnd(8)} ${op!.padEnd(7)} ${ms.toFixed(1).padStart(9)} ms ${(elementsPerS / 1e6).toFixed(2).padStart(9)} Melem/s ` +
      `${((elementsPerS * 4) / 1e9).toFixed(3).padStart(7)} GB/s  (cpu ${cpuMs.toFixed(1)} ms)`
    );
  });
  console.log(`gguf reference codecs, 1M-element row (best of ${OPTIONS.iterations}):\n${rows.join('\n')}`);
});
