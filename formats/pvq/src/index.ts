/**
 * Pyramid Vector Quantization: exact lattice counting and enumeration (libopus CWRS order and Fischer's),
 * CELT's float32 shape search, and a PVQ weight codec after van der Ouderaa et al. (2024).
 */
import type { FormatFamily } from '@qbench/core';
import { PvqCodec } from './codec.ts';
import { pvqGolden } from './golden.ts';
import { parsePvqId } from './spec.ts';

const family: FormatFamily = {
  family: 'pvq',
  codec: (spec) => new PvqCodec(spec),
  parseDynamicId: parsePvqId,
  golden: pvqGolden,
};

export default family;
export { PvqCodec } from './codec.ts';
export { countClosedForm, countRecurrence, indexBits, pyramidCount, UTable } from './count.ts';
export { type PvqOrder, Pyramid } from './cwrs.ts';
export { HadamardRotation } from './hadamard.ts';
export { pvqSearch, type SearchResult } from './search.ts';
export { buildPvqSpec, type PvqParams, parsePvqId } from './spec.ts';
