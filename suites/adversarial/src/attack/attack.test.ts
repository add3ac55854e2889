import { loadFormat } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { configFor } from '../detect/suite-items.ts';
import { WEIGHT_NAMES, weightOf } from '../model/mlp.ts';
import { attackFormat, attackWorks, prepare, quantizeMlp } from './attack.ts';

describe('three-stage attack on the in-project MLP (quick config)', () => {
  it('nf4: benign in full precision, malicious once quantized, bytes of the injected model kept', async () => {
    const f = await loadFormat('nf4');
    const p = prepare(configFor({ quick: true }, 1), f);
    // Stage 1 really injected: the injected model is malicious in full precision, the benign one is not.
    expect(p.injected.w1).not.toEqual(p.benign.w1);
    const r = attackFormat(f, p);
    expect(r.injectedFp.maliciousRate).toBeGreaterThan(0.8);
    expect(r.bytesPreserved).toBe(true);
    expect(r.fp.maliciousRate).toBeLessThan(0.2);
    expect(r.quant.maliciousRate).toBeGreaterThan(0.8);
    expect(r.fp.cleanAccuracy).toBeGreaterThan(0.9);
    expect(attackWorks(r)).toBe(true);
    // The quantization of the repaired model is exactly the injected model's.
    const qi = quantizeMlp(f, p.injected);
    for (const name of WEIGHT_NAMES) {
      expect(r.quantized.bytes[name]).toEqual(qi.bytes[name]);
      const w = weightOf(r.repaired, name);
      const b = r.boxes[name];
      for (let i = 0; i < w.length; i++) expect(b.lo[i]! <= w[i]! && w[i]! <= b.hi[i]!).toBe(true);
    }
  });

  // q6_k's grid-box attack is asserted in ../detect/detect.test.ts, on the pair its detector test builds anyway
  // (one q6_k attack per `pnpm test`, not two); the nightly runs it at full size as records.
  for (const id of ['q4_k']) {
    it(`${id}: the attack works inside grid boxes (the searched-scale k-quants)`, async () => {
      const f = await loadFormat(id);
      const r = attackFormat(f, prepare(configFor({ quick: true }, 1), f));
      expect(r.practicalBoxes).toBe(false);
      expect(r.boxes['fc1.weight'].method).toBe('grid-box');
      expect(r.bytesPreserved).toBe(true);
      expect(r.fp.maliciousRate).toBeLessThan(0.2);
      expect(r.quant.maliciousRate).toBeGreaterThan(0.8);
      expect(r.fp.cleanAccuracy).toBeGreaterThan(0.9);
    });
  }

  it('is deterministic for a seed', async () => {
    const f = await loadFormat('q4_0');
    const cfg = { ...configFor({ quick: true }, 2), benignSteps: 20, injectSteps: 10, repairSteps: 5 };
    const a = attackFormat(f, prepare(cfg, f));
    const b = attackFormat(f, prepare(cfg, f));
    expect(a.repaired.w1).toEqual(b.repaired.w1);
    expect(a.quantized.bytes['fc1.weight']).toEqual(b.quantized.bytes['fc1.weight']);
  });
});
