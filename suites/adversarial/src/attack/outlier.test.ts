import { loadFormat } from '@qbench/core';
import { boxStats, buildBoxes } from '@qbench/detectors/intervals';
import { describe, expect, it } from 'vitest';
import { scorePair, thresholdsFrom } from '../detect/evaluate.ts';
import { benignPairs, imatrixOf, pairOfAttack } from '../detect/population.ts';
import { prepared } from '../detect/suite-items.ts';
import { weightOf } from '../model/mlp.ts';
import { boxOptionsFor } from './attack.ts';
import { outlierAttack, outlierGroup, outlierPositions } from './outlier.ts';

const QUICK = { quick: true };

describe('outlier injection (Widening the Gap) on the in-project MLP', () => {
  it('puts one outlier per scale group, on the least important column', async () => {
    const f = await loadFormat('q4_k');
    const p = prepared(QUICK, 1, f);
    const imp = imatrixOf(p, p.benign);
    const pos = outlierPositions(f, p.benign, imp);
    const g = outlierGroup(f);
    expect(g).toBe(32);
    const fc1 = pos['fc1.weight'];
    expect(fc1.length).toBe(p.benign.w1.length / g);
    for (const i of fc1.subarray(0, p.benign.inputs / g)) {
      const c = i % p.benign.inputs;
      const start = c - (c % g);
      for (let j = start; j < start + g; j++)
        expect(imp['fc1.weight'][c]!).toBeLessThanOrEqual(imp['fc1.weight'][j]!);
    }
  });

  // q4_k: with one scale per 32 weights under a quantized super-block scale, the injection still takes. On
  // q4_0 (one fp16 scale per 32) the same ×4 outliers leave the other weights on ±1 levels and the bounded
  // injection never makes the quantized model malicious (quantized malicious rate 0.00, seed 3): a result
  // the nightly records (adversarial/outlier/*), not a test.
  it('q4_k: widens the boxes, the attack still works, and outlier-collapse flags what no benign pair shows', async () => {
    const f = await loadFormat('q4_k');
    const cal = [];
    for (const seed of [1, 2]) {
      const p = prepared(QUICK, seed, f);
      for (const pair of benignPairs(p, f, 2)) cal.push(await scorePair(pair, p.sets.clean));
    }
    const thresholds = thresholdsFrom(cal);
    const p = prepared(QUICK, 3, f);
    const w = weightOf(p.injected, 'fc1.weight');
    const plainWidth = boxStats(buildBoxes(f, w, boxOptionsFor(p.injected, 'fc1.weight', 3)), w).meanWidthRel;
    const o = outlierAttack(f, p, imatrixOf(p, p.benign), 4, 100, 3);
    const r = o.result;
    expect(r.bytesPreserved).toBe(true);
    expect(r.fp.maliciousRate).toBeLessThan(0.2);
    expect(r.quant.maliciousRate).toBeGreaterThan(0.8);
    const width = boxStats(r.boxes['fc1.weight'], weightOf(r.repaired, 'fc1.weight')).meanWidthRel;
    expect(width).toBeGreaterThan(1.5 * plainWidth);
    const s = await scorePair(pairOfAttack(o.prepared, f, r), o.prepared.sets.clean);
    expect(s['outlier-collapse'].score).toBeGreaterThan(0.9);
    expect(s['outlier-collapse'].score).toBeGreaterThan(thresholds['outlier-collapse']!);
    for (const pair of benignPairs(p, f)) {
      const b = await scorePair(pair, p.sets.clean);
      expect(b['outlier-collapse'].score, pair.kind).toBeLessThanOrEqual(thresholds['outlier-collapse']!);
    }
  });
});
