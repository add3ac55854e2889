import { loadFormat } from '@qbench/core';
import { scanWithReference } from '@qbench/detectors';
import { bytesSource, openGguf } from '@qbench/gguf-file';
import { describe, expect, it } from 'vitest';
import { adaptAttack } from '../attack/adaptive.ts';
import { attackWorks } from '../attack/attack.ts';
import { WEIGHT_NAMES, weightOf } from '../model/mlp.ts';
import { scorePair, thresholdsFrom, upper95 } from './evaluate.ts';
import { pairGguf } from './gguf-pair.ts';
import { attackedPair, benignPairs, pairOfAttack } from './population.ts';
import { detectionPlan, prepared } from './suite-items.ts';

const QUICK = { quick: true };

describe('Mind-the-Gap detectors with the full-precision reference', () => {
  it('q4_0: residual spike and error-rank flag the attacked pair; the adaptive attacker evades the spike, not error-rank; no held-out benign pair flagged', async () => {
    const f = await loadFormat('q4_0');
    const cal = [];
    for (const seed of [1, 2]) {
      const p = prepared(QUICK, seed, f);
      for (const pair of benignPairs(p, f)) cal.push(await scorePair(pair, p.sets.clean));
    }
    const thresholds = thresholdsFrom(cal);
    const p3 = prepared(QUICK, 3, f);
    const attacked = attackedPair(p3, f);
    // The attack held: same bytes as the injected model, benign in full precision, malicious quantized.
    expect(attacked.attack!.bytesPreserved).toBe(true);
    expect(attacked.attack!.fp.maliciousRate).toBeLessThan(0.2);
    expect(attacked.attack!.quant.maliciousRate).toBeGreaterThan(0.8);
    const a = await scorePair(attacked, p3.sets.clean);
    expect(a['residual-spike'].score).toBeGreaterThan(thresholds['residual-spike']!);
    // Re-derivation cannot see this attack: the GGUF is an honest quantization of the published model.
    expect(a.rederive.score).toBe(0);
    expect(a['error-rank'].score).toBeGreaterThan(thresholds['error-rank']!);

    // The adaptive attacker knows residual-spike's threshold: spread inside the boxes, the attack still works
    // with the same bytes and the spike is under its threshold, while error-rank still flags the pair.
    const adaptive = adaptAttack(f, p3, attacked.attack!, thresholds['residual-spike']!, 3);
    expect(adaptive.spikeBefore).toBeGreaterThan(thresholds['residual-spike']!);
    expect(adaptive.underLimit).toBe(true);
    expect(adaptive.bytesPreserved).toBe(true);
    expect(attackWorks(adaptive)).toBe(true);
    const ad = await scorePair(pairOfAttack(p3, f, adaptive), p3.sets.clean);
    expect(ad['residual-spike'].score).toBeLessThanOrEqual(thresholds['residual-spike']!);
    expect(ad['error-rank'].score).toBeGreaterThan(thresholds['error-rank']!);

    for (const pair of benignPairs(p3, f, 4)) {
      const s = await scorePair(pair, p3.sets.clean);
      expect(s['residual-spike'].score, pair.kind).toBeLessThanOrEqual(thresholds['residual-spike']!);
      expect(s['error-rank'].score, pair.kind).toBeLessThanOrEqual(thresholds['error-rank']!);
    }
  });

  // The test-sized population: 2 calibration seeds × 2 fine-tunes, one attacked pair, 4 held-out fine-tunes.
  // The full-size q6_k detection (3 + 3 seeds, 10–30 fine-tunes per seed; --full: 96, three repairs) is the
  // `adversarial/detect/q6_k` work item of `qbench run` and the nightly, where it is a record, not a test.
  it('q6_k: grid-box attack works and is flagged by the residual spike; fine-tuned benign pairs are not', async () => {
    const f = await loadFormat('q6_k');
    const cal = [];
    for (const seed of [1, 2]) {
      const p = prepared(QUICK, seed, f);
      for (const pair of benignPairs(p, f, 2)) cal.push(await scorePair(pair, p.sets.clean));
    }
    const thresholds = thresholdsFrom(cal);
    const p3 = prepared(QUICK, 3, f);
    const attacked = attackedPair(p3, f);
    // The attack itself (the searched-scale k-quant inside sound grid boxes), asserted here rather than in
    // ../attack/attack.test.ts so that `pnpm test` builds one q6_k attack, not two.
    const r = attacked.attack!;
    expect(r.practicalBoxes).toBe(false);
    expect(r.boxes['fc1.weight'].method).toBe('grid-box');
    expect(r.bytesPreserved).toBe(true);
    expect(r.fp.maliciousRate).toBeLessThan(0.2);
    expect(r.quant.maliciousRate).toBeGreaterThan(0.8);
    expect(r.fp.cleanAccuracy).toBeGreaterThan(0.9);
    const a = await scorePair(attacked, p3.sets.clean);
    expect(a['residual-spike'].score).toBeGreaterThan(thresholds['residual-spike']!);
    const held = benignPairs(p3, f, 4);
    expect(held.filter((x) => x.kind === 'finetuned')).toHaveLength(4);
    for (const pair of held) {
      const s = await scorePair(pair, p3.sets.clean);
      expect(s['residual-spike'].score, pair.kind).toBeLessThanOrEqual(thresholds['residual-spike']!);
    }
  });

  it('scanWithReference names the attacked tensors of a GGUF written by the suite', async () => {
    const q4 = await loadFormat('q4_0');
    const p = prepared(QUICK, 3, q4);
    const attacked = attackedPair(p, q4);
    const file = await pairGguf(attacked);
    const gguf = await openGguf(bytesSource(file));
    const report = await scanWithReference(gguf, {
      read: async (name) =>
        (WEIGHT_NAMES as readonly string[]).includes(name)
          ? weightOf(attacked.fp, name as (typeof WEIGHT_NAMES)[number])
          : undefined,
    });
    expect(report.checked).toBe(2);
    expect(report.exitCode).toBe(1);
    expect(report.flagged.some((v) => v.detector === 'residual-spike' && v.tensor === 'fc1.weight')).toBe(
      true,
    );
    // The benign model's honest GGUF passes.
    const benign = benignPairs(p, q4)[0]!;
    const clean = await pairGguf(benign);
    const ok = await scanWithReference(await openGguf(bytesSource(clean)), {
      read: async (name) => benign.tensors.find((t) => t.name === name)?.reference,
    });
    expect(ok.flagged).toEqual([]);
  });

  it('the --full plan: held-out seeds never calibrate, ≥ 300 benign pairs per format, so a zero FPR is bounded at ≤ 1%', async () => {
    const plan = detectionPlan({ quick: false, full: true });
    expect(plan.heldOutSeeds.filter((s) => plan.calibrationSeeds.includes(s))).toEqual([]);
    const n = plan.heldOutSeeds.length * plan.heldOutPairsPerSeed;
    expect(n).toBeGreaterThanOrEqual(300);
    expect(upper95(0, n)).toBeLessThanOrEqual(0.01);
    // The minimum is met by fine-tunes whatever the variants were (4 here: a format with an imatrix path).
    const f = await loadFormat('q4_0');
    const pairs = benignPairs(prepared(QUICK, 3, f), f, 0, 6);
    expect(pairs).toHaveLength(6);
    expect(pairs.filter((x) => x.kind === 'finetuned')).toHaveLength(2);
  });

  it('upper95 is 1 − 0.05^(1/n) for zero events and Clopper–Pearson otherwise', () => {
    expect(upper95(0, 100)).toBeCloseTo(1 - 0.05 ** 0.01, 12);
    // Known value: k = 1, n = 10 → 0.3942 (one-sided 95%).
    expect(upper95(1, 10)).toBeCloseTo(0.3942, 3);
  });
});
