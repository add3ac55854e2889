/**
 * Dynamic ids for any block size / magnitude width:
 *   bfp_b{B}_m{M}[_rne|_rna|_rtz]              plain BFP, e.g. bfp_b32_m3 (BFP12 of the K-sort paper, unsorted)
 *   bfp_ksort_c{C}_b{B}_m{M}[_rne|_rna|_rtz]   K-sorted BFP over rows of C channels (C a multiple of B)
 * M in 1..7 (elements ≤ 8 bits), B·(M+1) a multiple of 8; rounding defaults to ties-to-even (_rne),
 * _rna = ties away (std::round, Vitis rounding_mode 0), _rtz = truncation.
 */
import {
  deriveNumbers,
  type FormatSpec,
  type LayoutField,
  type ResolvedSpec,
  type SideInfo,
} from '@qbench/core';
import { type BfpParams, blockBytes, checkBfpParams } from './block.ts';
import { permutationEntryBits } from './ksort.ts';

const PATTERN = /^bfp_(?:ksort_c([1-9]\d*)_)?b([1-9]\d*)_m([1-9]\d*)(?:_(rne|rna|rtz))?$/;
const ROUNDING = { rne: 'nearest-even', rna: 'nearest-away', rtz: 'toward-zero' } as const;

export function parseBfpId(id: string): ResolvedSpec | undefined {
  const m = PATTERN.exec(id);
  if (!m) return undefined;
  const channels = m[1] === undefined ? undefined : Number(m[1]);
  const p: Partial<BfpParams> = {
    blockSize: Number(m[2]),
    mbits: Number(m[3]),
    rounding: ROUNDING[(m[4] ?? 'rne') as keyof typeof ROUNDING],
  };
  const B = p.blockSize!;
  const M = p.mbits!;
  if (M < 1 || M > 7 || B > 4096 || (B * (M + 1)) % 8 !== 0) return undefined;
  if (channels !== undefined && (channels % B !== 0 || channels > 65536)) return undefined;
  const params = checkBfpParams(p, id);
  const fields: LayoutField[] = [
    { name: 'exponent', type: 'u8', count: 1, description: 'shared exponent e + 127; 255 marks a NaN block' },
    {
      name: 'elements',
      type: `u${M + 1}` as LayoutField['type'],
      count: B,
      description: `sign + ${M}-bit magnitude`,
    },
  ];
  const sideInfo: SideInfo[] =
    channels === undefined
      ? []
      : [
          {
            name: 'permutation',
            type: 'bits',
            bits: permutationEntryBits(channels),
            count: channels,
            per: 'tensor',
            description: 'channel order, stored once before the first block (padded to a whole byte)',
          },
        ];
  const spec: FormatSpec = {
    id,
    family: 'bfp',
    summary: `Block floating point${channels ? ` with K-sort over ${channels} channels` : ''}: blocks of ${B} sign + ${M}-bit magnitudes sharing an 8-bit exponent (dynamic id).`,
    role: 'weight',
    provenance: {
      implementation: 'qbench generic BFP (Vitis AI to_bfp element rule)',
      commit: 'spec:qbench dynamic bfp id',
    },
    params: { ...params, ...(channels ? { channels } : {}) },
    layout: {
      blockElements: B,
      blockBytes: blockBytes(params),
      fields,
      ...(sideInfo.length ? { sideInfo } : {}),
      packing: 'exponent byte, then the codes packed least-significant bit first',
    },
    encoding: {
      kind: 'block-float',
      description: `x = (−1)^s · k · 2^(e − ${M} + 1), k in 0..${2 ** M - 1}`,
    },
    scale: {
      kind: 'shared-exponent',
      description: 'e = max floor(log2|x|) over the block, clamped to [−127, 127]',
    },
    rounding: { mode: params.rounding, description: `k = min(round(|x| · 2^(${M} − 1 − e)), ${2 ** M - 1})` },
    specialValues: {
      nan: "rejected by default; 'propagate' gives a NaN block (exponent byte 0xFF)",
      inf: 'as NaN',
      zero: 'all-zero block: exponent byte 0, codes 0',
    },
    tolerance: { encode: { bitExact: true }, decode: { bitExact: true } },
  };
  return { ...spec, derived: deriveNumbers(spec.layout) };
}
