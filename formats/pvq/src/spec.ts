/**
 * PVQ operating points as specs. The files in formats/pvq/specs are the source of truth for the named
 * points; this builder produces the same shape for any (D, K, gain bits, rotation) so `parseDynamicId`
 * can serve ids like pvq_d16_k24 or pvq_d32_k41_g6_rht, and a test holds the files to the builder.
 */
import { deriveNumbers, type FormatSpec, QbenchError, type ResolvedSpec } from '@qbench/core';
import { indexBits, MAX_K } from './count.ts';

export const GROUPS_PER_BLOCK = 8;
export const MAX_GROUP = 256;
export const DEFAULT_GAIN_BITS = 8;
/** Seed of the sign vector of the `_rht` variants (any fixed value; it is part of the format). */
export const DEFAULT_ROTATION_SEED = 0x5eed;

export type Rotation = 'none' | 'hadamard';

export interface PvqParams {
  groupSize: number;
  pulses: number;
  gainBits: number;
  indexBits: number;
  groupsPerBlock: number;
  order: 'cwrs';
  rotation: Rotation;
  rotationSeed?: number;
}

const ID = /^pvq_d(\d+)_k(\d+)(?:_g(\d+))?(_rht)?$/;

export function pvqId(d: number, k: number, gainBits: number, rotation: Rotation): string {
  return `pvq_d${d}_k${k}${gainBits === DEFAULT_GAIN_BITS ? '' : `_g${gainBits}`}${rotation === 'hadamard' ? '_rht' : ''}`;
}

export function checkPvqParams(d: number, k: number, gainBits: number, rotation: Rotation): void {
  if (!Number.isInteger(d) || d < 2 || d > MAX_GROUP) {
    throw new QbenchError('pvq.range', `group size D must be an integer in 2..${MAX_GROUP}, got ${d}`, {
      D: d,
    });
  }
  if (!Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new QbenchError('pvq.range', `pulses per group K must be an integer in 1..${MAX_K}, got ${k}`, {
      K: k,
    });
  }
  if (!Number.isInteger(gainBits) || gainBits < 1 || gainBits > 16) {
    throw new QbenchError('pvq.range', `gain bits must be an integer in 1..16, got ${gainBits}`, {
      gainBits,
    });
  }
  if (rotation === 'hadamard' && (d & (d - 1)) !== 0) {
    throw new QbenchError(
      'pvq.rotation',
      `the Hadamard rotation needs a power-of-two group size, got D=${d}`,
      { D: d },
    );
  }
}

/**
 * Round-trip NMSE bound, an empirical envelope (not a theorem): shape distortion ≈ 1.5·2^(−2B/D) on
 * N(0,1) at D = 32 (heavier tails do better, being spikier; rotated outlier tensors a little worse), times 2.5, plus a gain term
 * 16·4^(−bits) that covers heavy-tailed tensors whose few large gains stretch the uniform gain grid.
 */
function maxNmse(b: number, d: number, gainBits: number): number {
  return Number(Math.min(2, 2.5 * 2 ** ((-2 * b) / d) + 16 * 4 ** -gainBits).toPrecision(3));
}

/** The spec of one operating point (what a spec file for it contains, minus `$schema`). */
export function buildPvqSpec(
  d: number,
  k: number,
  gainBits = DEFAULT_GAIN_BITS,
  rotation: Rotation = 'none',
): FormatSpec {
  checkPvqParams(d, k, gainBits, rotation);
  const b = indexBits(d, k);
  const g = GROUPS_PER_BLOCK;
  const rot = rotation === 'hadamard';
  const params: PvqParams = {
    groupSize: d,
    pulses: k,
    gainBits,
    indexBits: b,
    groupsPerBlock: g,
    order: 'cwrs',
    rotation,
    ...(rot ? { rotationSeed: DEFAULT_ROTATION_SEED } : {}),
  };
  return {
    id: pvqId(d, k, gainBits, rotation),
    family: 'pvq',
    summary: `Pyramid VQ for LLM weights: groups of ${d} weights, ${k} pulses each (CWRS index of ⌈log2 V(${d},${k})⌉ = ${b} bits) and a ${gainBits}-bit gain${rot ? ', after a seeded randomized Hadamard rotation of each block' : ''}.`,
    provenance: {
      implementation:
        'libopus CELT (enumeration and search) + qbench (LLM codec after van der Ouderaa et al. 2024)',
      repository: 'xiph/opus',
      commit: '3da9f7a6db1c05c3996cb363a9d1931a978bf1be',
      files: ['celt/cwrs.c', 'celt/vq.c'],
      functions: ['icwrs', 'cwrsi', 'op_pvq_search_c'],
      paper:
        'van der Ouderaa, Croci, Hilmkil, Hensman: Pyramid Vector Quantization for LLMs, arXiv 2410.16926; Fischer 1986, IEEE T-IT 32(4)',
      notes:
        'The paper publishes no code, group size, gain quantizer or index order; those are qbench choices recorded in params, scale and notes.',
    },
    params: params as unknown as Record<string, unknown>,
    layout: {
      blockElements: g * d,
      blockBytes: gainBits + b,
      fields: [
        {
          name: 'gain',
          type: 'bits',
          bits: gainBits,
          count: g,
          description: `gain code c of each group, uniform on [0, gainMax]`,
        },
        {
          name: 'index',
          type: 'bits',
          bits: b,
          count: g,
          description: `CWRS index of each group's pulse vector, in [0, V(${d},${k}))`,
        },
      ],
      sideInfo: [
        {
          name: 'gainMax',
          type: 'f32',
          count: 1,
          per: 'tensor',
          description: 'largest group gain of the tensor (float32, little-endian), stored before the blocks',
        },
      ],
      packing: `stream = gainMax (4 bytes) then blocks of ${g} groups; each block is an LSB-first bit stream: the ${g} gain codes (${gainBits} bits each, group 0 first), then the ${g} indices (${b} bits each, least significant bit first)`,
    },
    encoding: {
      kind: 'lattice',
      description: `each group of ${d} (rotated) weights becomes a point y of the pyramid {y ∈ Z^${d} : Σ|y| = ${k}}, coded by its libopus CWRS index (celt/cwrs.c order); reconstruction ŵ = ĝ·y/‖y‖₂`,
      search: `the group is divided by its max |w| and then by its float32 L2 norm (CELT searches unit-norm bands; its sum < 64 guard would collapse raw weights), then op_pvq_search_c in float32`,
    },
    scale: {
      kind: 'per-group-gain',
      description: `least-squares gain g = ⟨w, y⟩/‖y‖₂ ≥ 0 per group (float32, in the max-scaled domain times max |w|); gainMax = max g over the tensor; code c = min(2^${gainBits}−1, floor(g·((2^${gainBits}−1)/gainMax) + 0.5)); ĝ = c·(gainMax/(2^${gainBits}−1)). The paper's Beta-quantile amplitude quantizer is not published in enough detail to reproduce; this uniform absmax quantizer is qbench's choice.`,
    },
    rounding: {
      mode: 'search',
      description:
        'the shape is found by CELT op_pvq_search_c (greedy, ties to the lowest index); the gain code rounds half up',
    },
    specialValues: {
      nan: 'rejected with a QbenchError naming the element (always; there is no home implementation to propagate like)',
      inf: 'rejected with a QbenchError naming the element',
      zero: 'an all-zero group has gain code 0 and decodes to +0 (±0 after the inverse rotation); its pulse vector is whatever the search returns for zeros',
      overflow: 'a group gain above float32 max is rejected',
    },
    tolerance: {
      encode: {
        bitExact: true,
        description: 'float32 search and gain arithmetic with Math.fround after every operation',
      },
      decode: { bitExact: true },
      roundTrip: { maxNmse: maxNmse(b, d, gainBits), idempotent: false },
    },
    golden: ['pvq'],
    notes: [
      `bits/weight = (⌈log2 V(${d},${k})⌉ + ${gainBits})/${d} from the layout; gainMax (32 bits) is per-tensor overhead`,
      `${g} groups per block so that a block is a whole number of bytes for any index width`,
      ...(rot
        ? [
            `rotation: R = (1/√${g * d})·H·diag(s) over each block of ${g * d} weights, s_j = −1 when the lowest bit of the j-th splitmix64(${DEFAULT_ROTATION_SEED}) output is 1; decode applies Rᵀ`,
          ]
        : []),
      'the index is fixed-length (⌈log2 V⌉ bits), not range coded as in CELT (log2 V bits); Fischer 1986 order is available as an alternative enumeration but not used by the stream',
    ],
  };
}

export function resolvePvqSpec(spec: FormatSpec): ResolvedSpec {
  return { ...spec, derived: deriveNumbers(spec.layout) };
}

/** Specs for ids the spec files do not list: pvq_d{D}_k{K}[_g{bits}][_rht]. */
export function parsePvqId(id: string): ResolvedSpec | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const d = Number(m[1]);
  const k = Number(m[2]);
  const g = m[3] === undefined ? DEFAULT_GAIN_BITS : Number(m[3]);
  const rotation: Rotation = m[4] ? 'hadamard' : 'none';
  const spec = buildPvqSpec(d, k, g, rotation);
  // Non-canonical spellings (e.g. an explicit _g8, or leading zeros) are not the same id.
  if (spec.id !== id) return undefined;
  return resolvePvqSpec(spec);
}

/** Read an operating point's parameters back from its (file or dynamic) spec. */
export function pvqParams(spec: ResolvedSpec): PvqParams {
  const p = spec.params as Partial<PvqParams> | undefined;
  const d = p?.groupSize;
  const k = p?.pulses;
  const g = p?.gainBits;
  const rotation = p?.rotation ?? 'none';
  if (typeof d !== 'number' || typeof k !== 'number' || typeof g !== 'number') {
    throw new QbenchError('pvq.spec', `${spec.id}: params must give groupSize, pulses and gainBits`);
  }
  checkPvqParams(d, k, g, rotation);
  const b = indexBits(d, k);
  if (p?.indexBits !== b) {
    throw new QbenchError(
      'pvq.spec',
      `${spec.id}: params.indexBits is ${p?.indexBits}, expected ⌈log2 V(${d},${k})⌉ = ${b}`,
    );
  }
  if (p.groupsPerBlock !== GROUPS_PER_BLOCK || spec.layout.blockElements !== d * GROUPS_PER_BLOCK) {
    throw new QbenchError('pvq.spec', `${spec.id}: blocks must hold ${GROUPS_PER_BLOCK} groups of ${d}`);
  }
  return {
    ...p,
    groupSize: d,
    pulses: k,
    gainBits: g,
    indexBits: b,
    groupsPerBlock: GROUPS_PER_BLOCK,
    order: 'cwrs',
    rotation,
  };
}
