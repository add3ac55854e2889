/**
 * iFairy (Fairy±i) complex 2-bit weights: PhaseQuant onto {+1, +i, −1, −i} with two per-tensor scales,
 * a two-stage residual variant (Fairy2i-W2 style), and the multiplication-free complex matvec.
 */
import type { FormatFamily } from '@qbench/core';
import { IFairyCodec } from './codec.ts';

const family: FormatFamily = {
  family: 'ifairy',
  codec: (spec) => new IFairyCodec(spec),
};

export default family;
export { deinterleave, type EncodedStage, IFairyCodec, interleave, packCodes, unpackCodes } from './codec.ts';
export {
  accumulateFloat,
  accumulateInt,
  applyScales,
  CONVENTIONS,
  type Convention,
  matvec,
  matvecInt8,
  quantizeActivationsInt8,
} from './matvec.ts';
export { dequantizeCode, type PhaseCode, phaseCode, quantizeStage } from './phase.ts';
