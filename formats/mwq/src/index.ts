/**
 * Matryoshka nested-bit weights (MatQuant / MatGPTQ slicing of an int8 master, D²MoE's MWQ storage as
 * bit planes), Double Rounding (dround_8 and its switched precisions, same groups and planes), and a
 * hottest-expert-bit-first bit allocator for mixtures of experts.
 */
import type { FormatFamily } from '@qbench/core';
import { MwqCodec } from './codec.ts';
import { DroundCodec } from './dround-codec.ts';
import { isDroundSpec, parseDroundId } from './dround-spec.ts';
import { parseMwqId } from './spec.ts';

const family: FormatFamily = {
  family: 'mwq',
  codec: (spec) => (isDroundSpec(spec) ? new DroundCodec(spec) : new MwqCodec(spec)),
  parseDynamicId: (id) => parseMwqId(id) ?? parseDroundId(id),
};

export default family;
export { decodeFromMasterPrefix, MwqCodec, masterPrefixBytes } from './codec.ts';
export {
  type DoubleRounded,
  dequantizeLow,
  dequantizeSwitched,
  quantizeHigh,
  switchCodes,
  switchDown,
} from './double-rounding.ts';
export { DroundCodec, droundFromMasterPrefix, droundPrefixBytes } from './dround-codec.ts';
export { buildDroundSpec, droundId, parseDroundId } from './dround-spec.ts';
export { type Allocation, allocateBits, type Expert, mwqBytes } from './hebf.ts';
export { type Master, quantizeMaster } from './master.ts';
export { packPlanes, unpackPlanes } from './planes.ts';
export { dequantizeSlice, SLICE_MODES, type SliceMode, sliceCode, sliceCodes } from './slice.ts';
export { buildMwqSpec, parseMwqId } from './spec.ts';
