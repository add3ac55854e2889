/**
 * The minifloat family: plain ExMy containers (e4m3fn, e5m2, e2m1, …, any dynamic `eXmY`), OCP MX block
 * formats (mxfp8_*, mxfp6_*, mxfp4_e2m1, mxint8), NVFP4 and LLM-FP4's searched per-tensor formats — all on
 * one generic element codec.
 */
import { type FormatFamily, QbenchError, type ResolvedSpec } from '@qbench/core';
import { parseMinifloatId } from './dynamic.ts';
import { ElementFormat, type MinifloatParams } from './element.ts';
import { SPECS } from './generated/specs.ts';
import { llmFp4Codec } from './llmfp4.ts';
import { mxCodec, mxElementOf } from './mx.ts';
import { nvfp4Codec } from './nvfp4.ts';
import { scalarCodec } from './scalar.ts';

const specIds = Object.keys(SPECS);

/** Element params of a minifloat spec file by id (MX and NVFP4 specs name their element types this way). */
export function elementParams(id: string): Partial<MinifloatParams> | undefined {
  const s = (SPECS as Record<string, ResolvedSpec>)[id];
  return s && typeof s.params?.['ebits'] === 'number' ? (s.params as Partial<MinifloatParams>) : undefined;
}

function elementFormat(spec: ResolvedSpec, key: string): ElementFormat {
  const name = spec.params?.[key];
  const p = typeof name === 'string' ? elementParams(name) : undefined;
  if (!p)
    throw new QbenchError(
      'minifloat.params',
      `${spec.id}: params.${key} must name a minifloat spec, got ${String(name)}`,
    );
  return new ElementFormat(p);
}

const family: FormatFamily = {
  family: 'minifloat',
  codec(spec) {
    const p = spec.params ?? {};
    if (typeof p['ebits'] === 'number') return scalarCodec(spec);
    if (p['search'] === 'llm-fp4') return llmFp4Codec(spec);
    if (p['scale'] === 'e8m0') return mxCodec(spec, mxElementOf(spec, elementParams));
    if (p['blockScale'] !== undefined) {
      return nvfp4Codec(spec, {
        element: elementFormat(spec, 'element'),
        blockScale: elementFormat(spec, 'blockScale'),
      });
    }
    throw new QbenchError(
      'format.unimplemented',
      `minifloat: spec '${spec.id}' has neither element params nor a block scale`,
    );
  },
  parseDynamicId: (id) => parseMinifloatId(id, specIds),
};

export default family;
export { ElementFormat, type MinifloatParams, roundInteger } from './element.ts';
export { SPECS } from './generated/specs.ts';
export {
  candidateBiases,
  type LlmFp4Choice,
  llmFp4Codec,
  llmFp4Params,
  makeSplit,
  minMaxBias,
  searchLlmFp4,
} from './llmfp4.ts';
export { decodeMxBlock, encodeMxBlock, fpElement, intElement, type MxElement } from './mx.ts';
export { packCodes, packedBytes, unpackCodes } from './packing.ts';
