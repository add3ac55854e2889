import { loadFormat, SplitMix64 } from '@qbench/core';
import { adaptiveAttack } from './src/attack/adaptive.ts';
import { attackedPair, benignPairs, type ModelPair } from './src/detect/population.ts';
import { prepared } from './src/detect/suite-items.ts';
import { WEIGHT_NAMES, weightOf } from './src/model/mlp.ts';

const id = process.argv[2] ?? 'q4_0';
const Q = { quick: true };
const f = await loadFormat(id);
function spectral(pair: ModelPair) {
  let best = 0;
  const out: string[] = [];
  for (const t of pair.tensors) {
    const n = t.nPerRow;
    const m = t.reference.length / n;
    const deq = f.reference.decode(t.bytes, t.reference.length);
    const d = new Float64Array(t.reference.length);
    let fro = 0;
    for (let i = 0; i < d.length; i++) {
      d[i] = deq[i]! - t.reference[i]!;
      fro += d[i]! * d[i]!;
    }
    // power iteration on D^T D
    const rng = new SplitMix64(5);
    let v = new Float64Array(n).map(() => rng.normal());
    let s2 = 0;
    for (let it = 0; it < 60; it++) {
      const u = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        let a = 0;
        for (let j = 0; j < n; j++) a += d[r * n + j]! * v[j]!;
        u[r] = a;
      }
      const w = new Float64Array(n);
      for (let r = 0; r < m; r++) for (let j = 0; j < n; j++) w[j] += d[r * n + j]! * u[r]!;
      let nv = 0;
      for (let j = 0; j < n; j++) nv += w[j]! * w[j]!;
      let nvv = 0;
      for (let j = 0; j < n; j++) nvv += v[j]! * v[j]!;
      s2 = Math.sqrt(nv) / Math.sqrt(nvv);
      const norm = Math.sqrt(nv);
      v = w.map((x) => x / norm);
    }
    const score = s2 / (fro / Math.min(m, n));
    out.push(`${t.name}:${score.toFixed(2)}`);
    best = Math.max(best, score);
  }
  return { best, out: out.join(' ') };
}
for (const seed of [1, 2, 3]) {
  const p = prepared(Q, seed, f);
  for (const pair of benignPairs(p, f, 3)) console.log('benign', seed, pair.kind, spectral(pair).out);
  const a = attackedPair(p, f);
  console.log('ATTACK', seed, spectral(a).out);
  const r = adaptiveAttack(f, p, 3);
  const pair: ModelPair = {
    kind: 'attacked',
    seed,
    format: id,
    fp: r.repaired,
    quant: r.quantized.model,
    attack: r,
    tensors: WEIGHT_NAMES.map((name) => ({
      name,
      reference: weightOf(r.repaired, name),
      bytes: r.quantized.bytes[name],
      nPerRow: name === 'fc1.weight' ? r.repaired.inputs : r.repaired.hidden,
    })),
  };
  console.log(
    'ADAPTIVE',
    seed,
    spectral(pair).out,
    'fp',
    r.fp.maliciousRate.toFixed(3),
    'q',
    r.quant.maliciousRate.toFixed(3),
  );
}
