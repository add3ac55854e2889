import { loadFormat } from '@qbench/core';
import { adaptiveAttack } from './src/attack/adaptive.ts';
import { attackWorks } from './src/attack/attack.ts';
import { scorePair, thresholdsFrom } from './src/detect/evaluate.ts';
import { benignPairs, type ModelPair } from './src/detect/population.ts';
import { prepared } from './src/detect/suite-items.ts';
import { WEIGHT_NAMES, weightOf } from './src/model/mlp.ts';

const id = process.argv[2] ?? 'q4_0';
const Q = { quick: true };
const f = await loadFormat(id);
const cal = [];
for (const seed of [1, 2]) {
  const p = prepared(Q, seed, f);
  for (const pair of benignPairs(p, f, 2)) cal.push(await scorePair(pair, p.sets.clean));
}
const th = thresholdsFrom(cal);
console.log('thresholds', JSON.stringify(th));
const p3 = prepared(Q, 3, f);
const r = adaptiveAttack(f, p3, th['residual-spike']! / 2);
console.log(
  'band',
  r.band,
  'under',
  r.underLimit,
  'spike',
  r.spikeBefore.toFixed(2),
  '->',
  r.spikeAfter.toFixed(2),
  'moved',
  r.moved,
  'restored',
  r.restoredBlocks,
  'bytes',
  r.bytesPreserved,
  'fp',
  r.fp.maliciousRate.toFixed(3),
  'q',
  r.quant.maliciousRate.toFixed(3),
  'clean',
  r.fp.cleanAccuracy.toFixed(3),
  'works',
  attackWorks(r),
);
const pair: ModelPair = {
  kind: 'attacked',
  seed: 3,
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
const s = await scorePair(pair, p3.sets.clean);
for (const [d, v] of Object.entries(s))
  console.log(
    d,
    v.score.toFixed(4),
    'th',
    th[d as keyof typeof th]?.toFixed(4),
    v.score > (th[d as keyof typeof th] ?? Infinity) ? 'FLAGGED' : 'pass',
  );
