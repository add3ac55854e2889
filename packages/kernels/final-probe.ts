import { listKernels, makeCase, measureKernel } from './src/index.ts';
import { loadFormat, listSpecs } from '@qbench/core';
import { nativeGgml } from '@qbench/ggml-native';
const N = 16 * 1024 * 1024;
const ggml = listSpecs().filter((s) => typeof s.params?.['ggmlTypeId'] === 'number').map((s) => s.id);
const { kernels } = await listKernels({ formats: ggml, backends: ['ggml-native', 'wasm-simd128', 'wasm-relaxed-simd'], ops: ['decode', 'dot'] });
const s = nativeGgml(); console.log('native', s.ok ? s.ggml.info.cpuVariant : s.reason);
for (const op of ['decode', 'dot']) for (const fid of ggml) {
  const ks = kernels.filter((k) => k.format === fid && k.op === op);
  if (ks.length < 2) { console.log(`${fid} ${op}: only ${ks.map((k) => k.backend)}`); continue; }
  const f = await loadFormat(fid);
  const c = makeCase(f, op as 'dot', N);
  const loaded = await Promise.all(ks.map((k) => k.load()));
  const res: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) for (let i = 0; i < ks.length; i++) {
    const m = await measureKernel(loaded[i]!, c, { minRuns: 5, minTimeMs: 150 });
    (res[ks[i]!.backend] ??= []).push(m.timing.medianNs / 1e6);
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[1]!;
  const n = med(res['ggml-native']!);
  console.log(`${fid} ${op}: ` + Object.entries(res).map(([b, a]) => `${b} ${med(a).toFixed(3)} ms${b === 'ggml-native' ? '' : ` (${(n / med(a)).toFixed(2)}x)`}`).join('; '));
}
