/**
 * Block floating point: MSFP12/16, Vitis BFP16, any `bfp_b{B}_m{M}`, and the K-sorted variant of
 * "Accurate Block Quantization in LLMs with Outliers" (`bfp12_ksort`, `bfp_ksort_c{C}_b{B}_m{M}`).
 */
import type { FormatFamily } from '@qbench/core';
import { bfpCodec } from './codec.ts';
import { parseBfpId } from './dynamic.ts';
import { SPECS } from './generated/specs.ts';

const family: FormatFamily = {
  family: 'bfp',
  codec: bfpCodec,
  parseDynamicId: (id) => (Object.hasOwn(SPECS, id) ? undefined : parseBfpId(id)),
};

export default family;
export { type BfpParams, decodeBfpBlock, encodeBfpBlock } from './block.ts';
export { SPECS } from './generated/specs.ts';
export { magnitudePermutation } from './ksort.ts';
