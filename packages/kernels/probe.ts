import { listKernels, makeCase, measureKernel } from './src/index.ts';
import { loadFormat } from '@qbench/core';
const N = 16 * 1024 * 1024;
const { kernels } = await listKernels({ backends: ['ggml-native', 'wasm-simd128'] });
const pairs = new Map<string, typeof kernels>();
for (const k of kernels) if (k.op !== 'encode') { const key = `${k.format} ${k.op}`; pairs.set(key, [...(pairs.get(key) ?? []), k]); }
for (const [key, ks] of pairs) {
  if (ks.length < 2) { console.log(key, 'only', ks.map((k) => k.backend).join()); continue; }
  const [fid, op] = key.split(' ');
  const f = await loadFormat(fid!);
  const c = makeCase(f, op as 'dot', N);
  const loaded = await Promise.all(ks.map((k) => k.load()));
  const res: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) for (let i = 0; i < ks.length; i++) {
    const m = await measureKernel(loaded[i]!, c, { minRuns: 5, minTimeMs: 150 });
    (res[ks[i]!.backend] ??= []).push(m.timing.medianNs / 1e6);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[1]!;
  const n = med(res['ggml-native']!), w = med(res['wasm-simd128']!);
  console.log(`${key}: native ${n.toFixed(3)} ms, wasm ${w.toFixed(3)} ms, wasm/native ${(n / w).toFixed(2)}x`);
}
