/** The adversarial suite's work items: each carries its plan as plain data, naming what its id names. */
import { describe, expect, it } from 'vitest';
import suite from './index.ts';

describe('work items', () => {
  it('plans are plain data (sharding and --resume recompute items from the options) and match the ids', async () => {
    for (const options of [{ quick: true }, {}]) {
      const items = await suite.workItems(options);
      expect(JSON.parse(JSON.stringify(items))).toEqual(items);
      for (const i of items) {
        const p = i.plan;
        expect(i.id).toBe(
          p.kind === 'gguf' ? `adversarial/gguf/${p.part}` : `adversarial/${p.kind}/${p.format}`,
        );
        if (p.kind !== 'gguf') expect(i.format).toBe(p.format);
      }
    }
  });
});
