/**
 * The wasm kernels' ratio to native ggml, measured interleaved: for each format:op, every wasm backend's
 * kernel and ggml-native's are timed one right after the other on the same tensor (makeCase, measureKernel:
 * the throughput suite's case and timing), `--reps` times, and the median of the per-repetition ratios is
 * printed beside each repetition's. On a shared or loaded machine this is steadier than the suite's
 * native_ratio, which sets figures timed at different moments of the run against each other.
 * Usage: tsx packages/kernels/src/native-ratio.ts [--elements N] [--reps K] format:op…   (op: decode | dot)
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type KernelOp, loadFormat } from '@qbench/core';
import { listKernels } from './registry.ts';
import { FULL_ELEMENTS, makeCase, measureKernel } from './throughput.ts';

const NATIVE = 'ggml-native';
const WASM = ['wasm-simd128', 'wasm-relaxed-simd'];

export interface RatioRow {
  format: string;
  op: KernelOp;
  /** GB/s per backend, median over the repetitions. */
  gbps: Record<string, number>;
  /** Per wasm backend: its GB/s over native's, one per repetition, and their median. */
  ratios: Record<string, { each: number[]; median: number }>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function nativeRatios(
  items: readonly { format: string; op: KernelOp }[],
  elements: number,
  reps: number,
): Promise<RatioRow[]> {
  const { kernels } = await listKernels({ formats: [...new Set(items.map((i) => i.format))] });
  const rows: RatioRow[] = [];
  for (const { format, op } of items) {
    const c = makeCase(await loadFormat(format), op, elements);
    const ks = kernels.filter(
      (k) => k.format === format && k.op === op && (k.backend === NATIVE || WASM.includes(k.backend)),
    );
    const gbps: Record<string, number[]> = {};
    const each: Record<string, number[]> = {};
    for (let r = 0; r < reps; r++) {
      const got: Record<string, number> = {};
      for (const k of ks) {
        const kernel = await k.load();
        try {
          got[k.backend] = (await measureKernel(kernel, c)).throughputGBps;
        } finally {
          kernel.dispose?.();
        }
        (gbps[k.backend] ??= []).push(got[k.backend]!);
      }
      const native = got[NATIVE];
      if (native === undefined) continue;
      for (const b of Object.keys(got)) if (b !== NATIVE) (each[b] ??= []).push(got[b]! / native);
    }
    rows.push({
      format,
      op,
      gbps: Object.fromEntries(Object.entries(gbps).map(([b, xs]) => [b, median(xs)])),
      ratios: Object.fromEntries(
        Object.entries(each).map(([b, xs]) => [b, { each: xs, median: median(xs) }]),
      ),
    });
  }
  return rows;
}

async function main(argv: string[]): Promise<void> {
  let elements = FULL_ELEMENTS;
  let reps = 3;
  const items: { format: string; op: KernelOp }[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--elements') elements = Number(argv[++i]);
    else if (a === '--reps') reps = Number(argv[++i]);
    else {
      const [format, op] = a.split(':');
      if (!format || (op !== 'decode' && op !== 'dot'))
        throw new Error(`expected format:decode|dot, got '${a}'`);
      items.push({ format, op });
    }
  }
  for (const row of await nativeRatios(items, elements, reps)) {
    const parts = [`${row.format} ${row.op} (${elements} elements)`];
    for (const [b, g] of Object.entries(row.gbps)) parts.push(`${b} ${g.toFixed(2)} GB/s`);
    for (const [b, r] of Object.entries(row.ratios))
      parts.push(`${b}/native ${r.median.toFixed(3)} [${r.each.map((x) => x.toFixed(2)).join(' ')}]`);
    console.log(parts.join(' | '));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
