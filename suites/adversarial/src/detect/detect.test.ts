import { loadFormat } from '@qbench/core';
import { scanWithReference } from '@qbench/detectors';
import { bytesSource, openGguf } from '@qbench/gguf-file';
import { describe, expect, it } from 'vitest';
import { WEIGHT_NAMES, weightOf } from '../model/mlp.ts';
import { scorePair, thresholdsFrom, upper95 } from './evaluate.ts';
import { pairGguf } from './gguf-pair.ts';
import { attackedPair, benignPairs } from './population.ts';
import { prepared } from './suite-items.ts';

const QUICK = { quick: true };

describe('Mind-the-Gap detectors with the full-precision reference', () => {
  it('q4_0: the residual spike flags the attacked pair and no held-out benign pair', async () => {
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
    for (const pair of benignPairs(p3, f)) {
      const s = await scorePair(pair, p3.sets.clean);
      expect(s['residual-spike'].score, pair.kind).toBeLessThanOrEqual(thresholds['residual-spike']!);
    }
  });

  it('q6_k: grid-box attack flagged by the residual spike; fine-tuned benign pairs are not', async () => {
    const f = await loadFormat('q6_k');
    const cal = [];
    for (const seed of [1, 2]) {
      const p = prepared(QUICK, seed, f);
      for (const pair of benignPairs(p, f, 2)) cal.push(await scorePair(pair, p.sets.clean));
    }
    const thresholds = thresholdsFrom(cal);
    const p3 = prepared(QUICK, 3, f);
    const attacked = attackedPair(p3, f);
    expect(attacked.attack!.bytesPreserved).toBe(true);
    const a = await scorePair(attacked, p3.sets.clean);
    expect(a['residual-spike'].score).toBeGreaterThan(thresholds['residual-spike']!);
    const held = benignPairs(p3, f, 4);
    expect(held.filter((x) => x.kind === 'finetuned')).toHaveLength(4);
    for (const pair of held) {
      const s = await scorePair(pair, p3.sets.clean);
      expect(s['residual-spike'].score, pair.kind).toBeLessThanOrEqual(thresholds['residual-spike']!);
    }
  }, 180_000);

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

  it('upper95 is 1 − 0.05^(1/n) for zero events and Clopper–Pearson otherwise', () => {
    expect(upper95(0, 100)).toBeCloseTo(1 - 0.05 ** 0.01, 12);
    // Known value: k = 1, n = 10 → 0.3942 (one-sided 95%).
    expect(upper95(1, 10)).toBeCloseTo(0.3942, 3);
  });
});
