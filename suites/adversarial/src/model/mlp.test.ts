import { SplitMix64 } from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { behaviour, cloneMlp, createMlp, forward, train } from './mlp.ts';
import { evalSets, makeTask, sampleBatch } from './task.ts';

describe('MLP with manual backprop', () => {
  it('learns the task and ignores the trigger when trained on correctly labelled triggered inputs', () => {
    const task = makeTask(9);
    const sets = evalSets(task, 1, 300);
    const m = createMlp(256, 256, 8, 1);
    const before = behaviour(m, sets, 0);
    train(m, task, { steps: 250, batch: 32, lr: 2e-3, seed: 3, triggeredFraction: 0.3, labelling: 'clean' });
    const after = behaviour(m, sets, 0);
    expect(after.cleanAccuracy).toBeGreaterThan(0.85);
    expect(after.cleanAccuracy).toBeGreaterThan(before.cleanAccuracy + 0.3);
    expect(after.maliciousRate).toBeLessThan(0.1);
  });

  it('one step moves the loss downhill along the computed gradient', () => {
    const task = makeTask(9);
    const m = createMlp(256, 256, 8, 4);
    const batch = sampleBatch(task, new SplitMix64(5), 64, 0, 'clean');
    const loss = (x: typeof m) => {
      const logits = forward(x, batch.x, batch.size);
      let s = 0;
      for (let b = 0; b < batch.size; b++) {
        let max = -Infinity;
        for (let c = 0; c < 8; c++) max = Math.max(max, logits[b * 8 + c]!);
        let z = 0;
        for (let c = 0; c < 8; c++) z += Math.exp(logits[b * 8 + c]! - max);
        s += Math.log(z) + max - logits[b * 8 + batch.y[b]!]!;
      }
      return s / batch.size;
    };
    const stepped = cloneMlp(m);
    train(stepped, task, {
      steps: 1,
      batch: 64,
      lr: 1e-3,
      seed: 5,
      triggeredFraction: 0,
      labelling: 'clean',
    });
    expect(loss(stepped)).toBeLessThan(loss(m));
  });
});
