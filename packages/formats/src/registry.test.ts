import {
  FAMILIES,
  FORMAT_IDS,
  FORMAT_SPECS,
  familyLoadersInstalled,
  loadFamily,
  loadFormat,
} from '@qbench/core';
import { describe, expect, it } from 'vitest';
import { FAMILY_LOADERS } from './index.ts';

describe('@qbench/formats', () => {
  it('installs a loader for every family, each of which loads that family', async () => {
    expect(familyLoadersInstalled()).toBe(true);
    expect(Object.keys(FAMILY_LOADERS).sort()).toEqual([...FAMILIES].sort());
    for (const name of FAMILIES) {
      const fam = await loadFamily(name);
      const own = FORMAT_IDS.filter((id) => FORMAT_SPECS[id].family === name);
      expect(own.length).toBeGreaterThan(0);
      // The family's codec answers for its own specs (a loader pointing at the wrong package would not).
      for (const id of own) expect(fam.codec(FORMAT_SPECS[id]).encodedBytes(8192 * 256)).toBeGreaterThan(0);
    }
    expect((await loadFormat('q4_0')).family).toBe('gguf');
  });
});
