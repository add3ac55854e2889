import { loadFormat } from '@qbench/core';
import { SCAN_THRESHOLDS } from '@qbench/detectors';
import { boxStats, buildBoxes } from '@qbench/detectors/intervals';
import { describe, expect, it } from 'vitest';
import { scorePair } from '../detect/evaluate.ts';
import { benignPairs, imatrixOf, pairOfAttack } from '../detect/population.ts';
import { prepared } from '../detect/suite-items.ts';
import { weightOf } from '../model/mlp.ts';
import { boxOptionsFor } from './attack.ts';
import { outlierAttack, outlierGroup, outlierPositions } from './outlier.ts';

const QUICK = { quick: true };

describe('outlier injection (Widening the Gap) on the in-project MLP', () => {
  it('puts one outlier per scale group, on the least important column', async () => {
    const f = await loadFormat('q4_k');
    const p = prepared(QUICK, 3, f);
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

  it('with most-important placement, puts each outlier on the most important column of its group', async () => {
    const f = await loadFormat('iq2_xxs');
    const p = prepared(QUICK, 3, f);
    const imp = imatrixOf(p, p.benign);
    const least = outlierPositions(f, p.benign, imp);
    const most = outlierPositions(f, p.benign, imp, 'most-important');
    const g = outlierGroup(f);
    const fc2 = most['fc2.weight'];
    expect(fc2.length).toBe(least['fc2.weight'].length);
    let moved = 0;
    for (let k = 0; k < fc2.length; k++) {
      const c = fc2[k]! % p.benign.hidden;
      const start = c - (c % g);
      for (let j = start; j < start + g; j++)
        expect(imp['fc2.weight'][c]!).toBeGreaterThanOrEqual(imp['fc2.weight'][j]!);
      if (fc2[k] !== least['fc2.weight'][k]) moved++;
    }
    expect(moved).toBe(fc2.length);
  });

  // q4_k: with one scale per 32 weights under a quantized super-block scale, the injection still takes. On
  // q4_0 (one fp16 scale per 32) the same ×4 outliers leave the other weights on ±1 levels and the bounded
  // injection never makes the quantized model malicious (quantized malicious rate 0.00, seed 3): a result
  // the nightly records (adversarial/outlier/*), not a test.
  it('q4_k: widens the boxes, the attack still works, and outlier-collapse flags what no benign pair shows', async () => {
    const f = await loadFormat('q4_k');
    // The scanner's fixed threshold (a calibrated one is at least this: ../detect/evaluate.ts), so the test
    // needs no calibration population of its own.
    const threshold = SCAN_THRESHOLDS['outlier-collapse']!;
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
    expect(s['outlier-collapse'].score).toBeGreaterThan(threshold);
    for (const pair of benignPairs(p, f)) {
      const b = await scorePair(pair, p.sets.clean);
      expect(b['outlier-collapse'].score, pair.kind).toBeLessThanOrEqual(threshold);
    }
  });
});
