/**
 * MWQ variants as specs: the int8 master `mwq_8` and r-bit models sliced from it, `mwq_r{r}` (round half
 * up, MatGPTQ) and `mwq_r{r}_trunc` (truncation). Spec files list the usual points; this builder gives
 * the same shape for every r (parseDynamicId) and a test holds the files to it.
 */
import {
  deriveNumbers,
  type FormatSpec,
  QbenchError,
  type ResolvedSpec,
  type RoundTripSource,
} from '@qbench/core';
import { MASTER_BITS } from './master.ts';
import { checkBits, type SliceMode } from './slice.ts';

export const GROUP_SIZE = 128;

/**
 * Round-trip NMSE bounds per source of the round-trip suite (gaussian is the spec's maxNmse, the others its
 * maxNmseBySource): the worst NMSE over the suite's own quick and full tensors and 4 draws of 2^18 weights,
 * times 1.25, rounded up to 2 significant digits — scripts/measure-roundtrip-bounds.ts (which takes dynamic
 * ids such as mwq_r3_trunc) prints them. Min-max groups with an ×50 outlier leave no grid point near zero at
 * r = 2, so NMSE above 1 there is the format, not a bug.
 */
type Bounds = Readonly<Record<'gaussian' | RoundTripSource, number>>;

const BOUNDS_ROUND: Readonly<Record<number, Bounds>> = {
  2: { gaussian: 0.23, laplace: 0.35, student_t: 0.8, outlier_mixture: 2.9 },
  3: { gaussian: 0.053, laplace: 0.085, student_t: 0.16, outlier_mixture: 0.6 },
  4: { gaussian: 0.013, laplace: 0.021, student_t: 0.039, outlier_mixture: 0.12 },
  5: { gaussian: 0.0032, laplace: 0.0054, student_t: 0.0091, outlier_mixture: 0.019 },
  6: { gaussian: 0.0009, laplace: 0.0015, student_t: 0.0026, outlier_mixture: 0.0049 },
  7: { gaussian: 0.00032, laplace: 0.00053, student_t: 0.00092, outlier_mixture: 0.0018 },
  8: { gaussian: 0.000046, laplace: 0.000076, student_t: 0.00014, outlier_mixture: 0.00025 },
};
const BOUNDS_TRUNCATE: Readonly<Record<number, Bounds>> = {
  2: { gaussian: 0.75, laplace: 1.3, student_t: 2.1, outlier_mixture: 4.3 },
  3: { gaussian: 0.19, laplace: 0.3, student_t: 0.5, outlier_mixture: 0.92 },
  4: { gaussian: 0.044, laplace: 0.071, student_t: 0.13, outlier_mixture: 0.23 },
  5: { gaussian: 0.0097, laplace: 0.016, student_t: 0.028, outlier_mixture: 0.053 },
  6: { gaussian: 0.002, laplace: 0.0033, student_t: 0.0057, outlier_mixture: 0.011 },
  7: { gaussian: 0.00032, laplace: 0.00053, student_t: 0.00093, outlier_mixture: 0.0018 },
};

const MASTER_IDEMPOTENCE_NOTE =
  "roundTrip.idempotent is false although the codes are stable: re-encoding recomputes α = fp32(fp32(hi − lo)/255) from the decoded extremes α·(q − z), which can land one float32 ulp away from the stored α (67 scale bytes in 512 groups on the suite's N(0,1) tensor), while the codes and zero points re-encode identically.";

const BOUNDS_NOTE =
  "roundTrip.maxNmse (N(0,1)) and maxNmseBySource: the worst NMSE of decode(encode(x)) per source over the round-trip suite's own quick and full tensors (its seeds) and 4 draws of 2^18 elements, times 1.25, rounded up to 2 significant digits (scripts/measure-roundtrip-bounds.ts re-derives them).";

export interface MwqParams {
  masterBits: 8;
  bits: number;
  groupSize: number;
  slice: SliceMode;
}

const ID = /^mwq_(?:8|r([2-7])(_trunc)?)$/;

export function mwqId(r: number, slice: SliceMode): string {
  return r === MASTER_BITS ? 'mwq_8' : `mwq_r${r}${slice === 'truncate' ? '_trunc' : ''}`;
}

export function buildMwqSpec(r: number, slice: SliceMode = 'round'): FormatSpec {
  checkBits(r);
  const mode: SliceMode = r === MASTER_BITS ? 'round' : slice;
  const master = r === MASTER_BITS;
  const params: MwqParams = { masterBits: 8, bits: r, groupSize: GROUP_SIZE, slice: mode };
  const bounds = (mode === 'round' ? BOUNDS_ROUND : BOUNDS_TRUNCATE)[r];
  const sliceText =
    mode === 'round'
      ? `S = clamp(⌊q/2^${8 - r}⌋ + bit ${7 - r} of q, 0, ${2 ** r - 1}) (round half up, then clamp: MatGPTQ matryoshka_slice)`
      : `S = ⌊q/2^${8 - r}⌋ (truncation: the top ${r} bits of the master code)`;
  return {
    id: mwqId(r, mode),
    family: 'mwq',
    summary: master
      ? 'Matryoshka int8 master: asymmetric min-max per group of 128 (float32 scale, uint8 zero point), stored as 8 bit planes, most significant first, so that r-bit models can be sliced or prefix-loaded.'
      : `Matryoshka ${r}-bit model sliced from the int8 master (${mode === 'round' ? 'round half up' : 'truncation'}), reusing the master's per-group scale and zero point; ${r} bit planes, most significant first.`,
    provenance: {
      implementation: 'MatGPTQ (Matryoshka quantization, slicing and dequantization)',
      repository: 'IST-DASLab/MatGPTQ',
      commit: '0e5bd93bc53381f7195db870f5408ae04906bb3c',
      files: ['src/quant_utils_matgpqt.py'],
      functions: ['matryoshka_slice', 'dequantize', 'Quantizer.find_params'],
      paper:
        'Nair et al., Matryoshka Quantization, arXiv 2502.06786 (ICML 2025); D²MoE / MWQ, arXiv 2504.15299',
      notes:
        'The master is GPTQ round-to-nearest min-max (no Hessian search); bit-plane storage and the per-group scale/zero encodings are qbench choices (MatGPTQ packs for its kernel, D²MoE publishes no layout).',
    },
    params: params as unknown as Record<string, unknown>,
    layout: {
      blockElements: GROUP_SIZE,
      blockBytes: (GROUP_SIZE / 8) * r,
      fields: [
        {
          name: 'planes',
          type: 'bits',
          bits: GROUP_SIZE,
          count: r,
          description: `the group's ${r} bit planes of the ${r}-bit code, most significant first`,
        },
      ],
      sideInfo: [
        {
          name: 'scale',
          type: 'f32',
          count: 1,
          per: GROUP_SIZE,
          description: 'master scale α of the group (float32)',
        },
        {
          name: 'zero',
          type: 'u8',
          count: 1,
          per: GROUP_SIZE,
          description: 'master zero point z of the group, 0..255',
        },
      ],
      packing: `stream = scales (float32 LE, one per group) | zeros (uint8, one per group) | plane 0 … plane ${r - 1}; plane p holds bit ${r - 1}−p of every code of the TENSOR (not of one group), weight i at bit i mod 8 of byte ⌊i/8⌋, so the first t planes are one contiguous prefix. ${r}-bit size = ⌈n·${r}/8⌉ bytes + 5 bytes per group.`,
    },
    encoding: {
      kind: 'nested-integer',
      description: master
        ? 'q = clamp(⌊w/α⌉ + z, 0, 255) per weight, ⌊·⌉ round half to even (torch.round); r-bit models are sliced from q'
        : `${sliceText}; always computed from the int8 master q, never from another slice (slicing is not transitive under rounding)`,
    },
    scale: {
      kind: 'per-group-asymmetric-minmax',
      description: `float32: lo = min(min w, 0), hi = max(max w, 0) (all-zero group: 0, 255, so α = 1 and z = 0, where GPTQ uses −1, +1); α = (hi − lo)/255; z = clamp(⌊−lo/α⌉, 0, 255); ${master ? 'ŵ = α·(q − z)' : `ŵ = α·(S·2^${8 - r} − z), the master's α and z reused`}. Including 0 in [lo, hi] is original GPTQ's rule (MatGPTQ drops it; identical for groups that straddle zero) and keeps z in a byte.`,
    },
    rounding: {
      mode: master ? 'nearest-even' : mode === 'round' ? 'half-up' : 'toward-zero',
      description: master
        ? 'master codes round half to even'
        : `master codes round half to even; the slice ${mode === 'round' ? 'rounds half up (adds the next lower bit), then clamps to the top code' : 'truncates'}`,
    },
    specialValues: {
      nan: 'rejected with a QbenchError naming the element and group',
      inf: 'rejected with a QbenchError naming the element and group',
      zero: 'an all-zero group gets α = 1, z = 0 and decodes to +0 at every r (GPTQ’s [−1, 1] gives z = 127, whose r-bit slices are not zero points); inside other groups 0 is exact only on the master grid (q = z), and on an r-bit grid only when z is a multiple of 2^(8−r)',
      overflow: 'a group range above float32 max is rejected',
    },
    tolerance: {
      encode: { bitExact: true, description: 'float32 with Math.fround after every operation' },
      decode: { bitExact: true },
      dot: {
        bitExact: false,
        relative: 1e-5,
        absolute: 1e-6,
        description:
          'the source (MatGPTQ) has no vec_dot: the reference dot is Σ decode(x)_j·y_j in float64 rounded to float32 (y raw float32), the matrix encoded as one rows × n tensor (its per-group side info spans rows); a dequantize-and-multiply kernel sums float32 products in its own order',
      },
      // r = 1 (reachable only through buildMwqSpec, no id parses to it) is not measured.
      roundTrip: bounds
        ? {
            maxNmse: bounds.gaussian,
            maxNmseBySource: {
              laplace: bounds.laplace,
              student_t: bounds.student_t,
              outlier_mixture: bounds.outlier_mixture,
            },
            idempotent: false,
          }
        : { maxNmse: 4, idempotent: false },
    },
    notes: [
      `bits/weight = ${r} + (32 + 8)/${GROUP_SIZE} from the layout`,
      master
        ? 'a loader that reads the first t planes has the truncation slice to t bits, and with t + 1 planes the round-half-up slice to t bits'
        : 'an r-bit model is also obtainable from the mwq_8 stream by reading its first r + 1 planes (round) or r planes (truncate)',
      ...(bounds ? [BOUNDS_NOTE] : []),
      ...(master ? [MASTER_IDEMPOTENCE_NOTE] : []),
    ],
  };
}

export function parseMwqId(id: string): ResolvedSpec | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const spec = m[1] === undefined ? buildMwqSpec(8) : buildMwqSpec(Number(m[1]), m[2] ? 'truncate' : 'round');
  return { ...spec, derived: deriveNumbers(spec.layout) };
}

export function mwqParams(spec: ResolvedSpec): MwqParams {
  const p = spec.params as Partial<MwqParams> | undefined;
  if (
    p?.masterBits !== 8 ||
    typeof p.bits !== 'number' ||
    p.groupSize !== GROUP_SIZE ||
    (p.slice !== 'round' && p.slice !== 'truncate')
  ) {
    throw new QbenchError(
      'mwq.spec',
      `${spec.id}: params must give masterBits 8, bits, groupSize ${GROUP_SIZE} and slice round|truncate`,
    );
  }
  checkBits(p.bits);
  return { masterBits: 8, bits: p.bits, groupSize: p.groupSize, slice: p.slice };
}
