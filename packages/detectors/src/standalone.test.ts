import { generate, loadFormat, type Source } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { outlierCollapse } from './standalone.ts';
import { SCAN_THRESHOLDS } from './thresholds.ts';

const THRESHOLD = SCAN_THRESHOLDS['outlier-collapse']!;
const N = 1 << 16;

/** The heavy-tailed weights real models have: natural outliers, never an injection. */
const BENIGN: { name: string; source: Source; worst: number }[] = [
  { name: 'gaussian', source: { kind: 'gaussian' }, worst: 0.005 },
  { name: 'laplace', source: { kind: 'laplace' }, worst: 0.1 },
  { name: 'student-t ν=3', source: { kind: 'student_t', nu: 3 }, worst: 0.25 },
  { name: 'student-t ν=2', source: { kind: 'student_t', nu: 2 }, worst: 0.45 },
  { name: '1% outliers ×50', source: { kind: 'outlier_mixture', p: 0.01, factor: 50 }, worst: 0.3 },
];

describe('outlier-collapse', () => {
  for (const id of ['q4_k', 'q4_0']) {
    for (const b of BENIGN) {
      it(`${id}: ${b.name} weights stay below the scan threshold`, async () => {
        const f = await loadFormat(id);
        const x = generate(b.source, N, 7);
        const s = outlierCollapse('w', f, f.reference.encode(x, {}), N);
        expect(s.score).toBeLessThanOrEqual(b.worst);
        expect(s.score).toBeLessThan(THRESHOLD);
      });
    }

    it(`${id}: one injected outlier per scale group of 32 scores ~1 (every group)`, async () => {
      const f = await loadFormat(id);
      const x = generate({ kind: 'laplace' }, N, 7);
      // The injection of attack/outlier.ts: one weight per group set to 4× the group's largest magnitude.
      for (let g = 0; g < N; g += 32) {
        let amax = 0;
        for (let i = g; i < g + 32; i++) amax = Math.max(amax, Math.abs(x[i]!));
        x[g + 5] = 4 * amax;
      }
      const s = outlierCollapse('w', f, f.reference.encode(x, {}), N);
      expect(s.score).toBeGreaterThan(0.9);
      expect(s.score).toBeGreaterThan(THRESHOLD);
      expect(s.evidence).toMatch(/scale groups of 32/);
    });
  }
});
