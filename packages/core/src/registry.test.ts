import { describe, expect, it } from 'vitest';
import { QbenchError } from './errors.ts';
import { FORMAT_IDS, FORMAT_SPECS, loadFormat, resolveSpec } from './registry.ts';

describe('generated registry', () => {
  it('has the pilot formats with bits/weight derived from their layouts', () => {
    expect(FORMAT_SPECS.q8_0.derived.bitsPerWeight).toBe(8.5);
    expect(FORMAT_SPECS.q4_0.derived.bitsPerWeight).toBe(4.5);
  });

  it('every spec id maps to a loadable reference codec whose block size matches the spec', async () => {
    for (const id of FORMAT_IDS) {
      const f = await loadFormat(id);
      expect(f.id).toBe(id);
      // A length every block structure divides (blocks, channel groups and bnb's 4096 are powers of two).
      const n = f.blockElements * 8192;
      expect(f.reference.encodedBytes(n)).toBeGreaterThan(0);
    }
  });

  it('an unknown id is a QbenchError that points at `qbench formats`', async () => {
    await expect(resolveSpec('q4_00')).rejects.toThrow(QbenchError);
    await expect(resolveSpec('q4_00')).rejects.toThrow(/unknown format 'q4_00'/);
  });
});
