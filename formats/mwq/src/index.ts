/**
 * Matryoshka nested-bit weights (MatQuant / MatGPTQ slicing of an int8 master, D²MoE's MWQ storage as
 * bit planes), Double Rounding, and a hottest-expert-bit-first bit allocator for mixtures of experts.
 */
import type { FormatFamily } from '@qbench/core';
import { MwqCodec } from './codec.ts';
import { parseMwqId } from './spec.ts';

const family: FormatFamily = {
  family: 'mwq',
  codec: (spec) => new MwqCodec(spec),
  parseDynamicId: parseMwqId,
};

export default family;
export { decodeFromMasterPrefix, MwqCodec, masterPrefixBytes } from './codec.ts';
export { type DoubleRounded, dequantizeLow, quantizeHigh, switchDown } from './double-rounding.ts';
export { type Allocation, allocateBits, type Expert, mwqBytes } from './hebf.ts';
export { type Master, quantizeMaster } from './master.ts';
export { packPlanes, unpackPlanes } from './planes.ts';
export { dequantizeSlice, SLICE_MODES, type SliceMode, sliceCode, sliceCodes } from './slice.ts';
export { buildMwqSpec, parseMwqId } from './spec.ts';
