/**
 * Double Rounding variants as specs: the int8 master `dround_8` and the l-bit models switched from it,
 * `dround_8_{l}` (l = 2 … 7), named after mwq's: master bits, then the derived width. Spec files list
 * them; this builder gives the same shape for every l (parseDynamicId) and a test holds the files to it.
 * Same group (128) and bit-plane storage as mwq, so the two sit side by side at equal bits: the master
 * costs 8 + 32/128 bits/weight (no zero point: the symmetric grid's zero is fixed), an l-bit model
 * l + 32/128.
 */
import {
  deriveNumbers,
  type FormatSpec,
  QbenchError,
  type ResolvedSpec,
  type RoundTripSource,
} from '@qbench/core';
import { checkWidths } from './double-rounding.ts';
import { GROUP_SIZE } from './spec.ts';

export const DROUND_MASTER_BITS = 8;

/**
 * Round-trip NMSE bounds per source (gaussian is the spec's maxNmse, the others its maxNmseBySource): the
 * worst NMSE over the round-trip suite's own tensors and 4 draws of 2^18 weights, times 1.25, rounded up to
 * 2 significant digits (scripts/measure-roundtrip-bounds.ts --format dround_8_… prints them).
 */
type Bounds = Readonly<Record<'gaussian' | RoundTripSource, number>>;
const BOUNDS: Readonly<Record<number, Bounds>> = {
  2: { gaussian: 0.25, laplace: 0.35, student_t: 0.5, outlier_mixture: 0.2 },
  3: { gaussian: 0.059, laplace: 0.11, student_t: 0.19, outlier_mixture: 0.07 },
  4: { gaussian: 0.015, laplace: 0.027, student_t: 0.057, outlier_mixture: 0.037 },
  5: { gaussian: 0.0038, laplace: 0.007, student_t: 0.017, outlier_mixture: 0.023 },
  6: { gaussian: 0.0011, laplace: 0.002, student_t: 0.0051, outlier_mixture: 0.012 },
  7: { gaussian: 0.00038, laplace: 0.00072, student_t: 0.0019, outlier_mixture: 0.0047 },
  8: { gaussian: 0.000054, laplace: 0.00011, student_t: 0.00028, outlier_mixture: 0.00068 },
};

const BOUNDS_NOTE =
  "roundTrip.maxNmse (N(0,1)) and maxNmseBySource: the worst NMSE of decode(encode(x)) per source over the round-trip suite's own quick and full tensors (its seeds) and 4 draws of 2^18 elements, times 1.25, rounded up to 2 significant digits (scripts/measure-roundtrip-bounds.ts re-derives them).";

const PROVENANCE_NOTES =
  "The authors' repository (haiduo/Double-Rounding) holds a README only, so qbench reads the method from the paper and states its choices: (1) symmetric signed grid with one float32 scale per group of 128 shared by every precision (s_l = s_h·2^(h−l)), groups and bit planes as mwq so both families compare at equal bits; (2) the scale is absmax/(2^(h−1) − 1), the post-training initialisation, since qbench measures formats without training (the paper learns s_h with its ALRS-scaled gradients); (3) the first rounding is half to even (torch.round), the second is half up, (q + 2^(k−1)) >> k, the arithmetic shift that makes switching a shift-and-add; (4) clamps to the signed l-bit range after the second rounding, so −2^(l−1) is reachable at l ≤ h − 2 while the master never uses −2^(h−1) (at l = h − 1 it would need q_h = −2^(h−1) − 1); (5) bit widths 8 → 7 … 2 (the paper uses 8, 6, 4, 2). HASB (Hessian-aware mixed precision) and ALRS are training methods and are not part of the format.";

const MASTER_IDEMPOTENCE_NOTE =
  "roundTrip.idempotent: the decoded group's absmax is s·127 (the group keeps its ±127 code), and fl(fl(s·127)/127) = s for s = fl(A/127) and every float32 A of a binade (checked for all 2^23 in [2, 4)), so re-encoding a decode gives the same scale and codes (for normal scales; unlike mwq_8, whose min-max α can move one ulp).";

const SWITCHED_IDEMPOTENCE_NOTE =
  'roundTrip.idempotent is false: a switched model decodes to s·q_l·2^(8−l), whose absmax is not s·127, so re-encoding derives another master scale.';

const PAPER_NOTE =
  "Paper numbers, checked against the paper's NeurIPS 2024 submission text (Tables 1–6, Figures 1–12, Algorithms 1, 2, A.1–A.3; the arXiv version's full text was not reachable here, and its abstract adds detection, segmentation and LLM results, accuracies of trained networks too): every accuracy (Tables 1–4 and 6), training time (Table 5 and its 'Save cost (%)'), gradient statistic, Hessian trace and Pareto front (Figures 3–5, 7–12) belongs to a network trained with Double Rounding, and Eq. 7's learning-rate factors (1, 0.1, 0.01 at Δ = 0, 2, 4) to ALRS, a training method, so none of these is reproduced. The numbers that need no trained model are the Storage entries, reproduced in formats/mwq/src/dround.test.ts ('the paper's Storage column'): {8,6,4,2}-bit in one 8-bit master (Tables 1 and 6 '8bit'): qbench 8.25 bits/weight (the 8 planes of dround_8 plus one float32 scale per 128 weights; the paper counts code bits, with one scale per layer), the 6-, 4- and 2-bit models each read bit-exactly from that one stream; separate copies (Table 6, LSQ '{8,6,4,2}-bit'): paper 20, qbench 21 bits/weight (the four dround streams), so the master saves 60 % (paper) vs 60.7 % (qbench), and 75 % vs 74.2 % against float storage (Table 1 '32bit'); {4,3,2}-bit (Table 2 and Figure 2 'Storage: 4bit'): a 4-bit master stores 4 code bits (4.25 with the scale) and switches to 3 and 2 bits. Also checked: the second rounding on all 256 master codes at every width, error non-increasing from 8 to 2 bits on five sources, and the paper's claim that switching 'fully utilizes the quantized representation range': NMSE of the switched model over direct symmetric absmax rounding at the same width on N(0,1) (2^16 weights, seed 11) is 0.32, 0.61, 0.82, 0.97 at 2, 3, 4, 5 bits (all 2^l levels used), and 1.16, 1.75 at 6, 7 bits, where rounding twice costs more than the extra level gains; a one-bit switch (l = h − 1: 7 bits from the 8-bit master, 3 bits from a 4-bit one) uses 2^l − 1 levels, since −2^(l−1) needs q_h ≤ −2^(h−1) − 1.";

export interface DroundParams {
  method: 'double-rounding';
  masterBits: 8;
  bits: number;
  groupSize: number;
}

const ID = /^dround_8(?:_([2-7]))?$/;

export function droundId(l: number): string {
  return l === DROUND_MASTER_BITS ? 'dround_8' : `dround_8_${l}`;
}

export function buildDroundSpec(l: number): FormatSpec {
  checkWidths(DROUND_MASTER_BITS, l);
  const master = l === DROUND_MASTER_BITS;
  const k = DROUND_MASTER_BITS - l;
  const params: DroundParams = { method: 'double-rounding', masterBits: 8, bits: l, groupSize: GROUP_SIZE };
  const bounds = BOUNDS[l];
  return {
    id: droundId(l),
    family: 'mwq',
    summary: master
      ? 'Double Rounding int8 master: symmetric absmax per group of 128 (one float32 scale, no zero point), stored as 8 bit planes of offset-binary codes, most significant first; lower precisions are switched from it by a second rounding.'
      : `Double Rounding ${l}-bit model switched from the int8 master by a second rounding (half up, q_8 + 2^${k - 1} >> ${k}), sharing the master's scale; ${l} bit planes, most significant first.`,
    provenance: {
      implementation: 'Double Rounding (Nearly Lossless Adaptive Bit Switching), qbench reading of the paper',
      repository: 'haiduo/Double-Rounding',
      commit: 'f730312ba865b023ce77f2f7a9dd15bfd6879700',
      files: ['README.md'],
      paper: 'Huang, Liu, Xia, Zhao, Ren, Nearly Lossless Adaptive Bit Switching, arXiv 2502.01199',
      notes: PROVENANCE_NOTES,
    },
    params: params as unknown as Record<string, unknown>,
    layout: {
      blockElements: GROUP_SIZE,
      blockBytes: (GROUP_SIZE / 8) * l,
      fields: [
        {
          name: 'planes',
          type: 'bits',
          bits: GROUP_SIZE,
          count: l,
          description: `the group's ${l} bit planes of the ${l}-bit offset-binary code u = q + ${2 ** (l - 1)}, most significant first`,
        },
      ],
      sideInfo: [
        {
          name: 'scale',
          type: 'f32',
          count: 1,
          per: GROUP_SIZE,
          description: 'the master scale s of the group (float32), shared by every precision',
        },
      ],
      packing: `stream = scales (float32 LE, one per group) | plane 0 … plane ${l - 1}; plane p holds bit ${l - 1}−p of every code of the TENSOR, weight i at bit i mod 8 of byte ⌊i/8⌋ (mwq's planes). ${l}-bit size = ⌈n·${l}/8⌉ bytes + 4 bytes per group.`,
    },
    encoding: {
      kind: 'nested-integer',
      description: master
        ? 'q = clamp(⌊fl(w/s)⌉, −128, 127), ⌊·⌉ half to even; stored u = q + 128. Lower precisions are switched from q'
        : `q_${l} = clamp((q_8 + ${2 ** (k - 1)}) >> ${k}, −${2 ** (l - 1)}, ${2 ** (l - 1) - 1}) (the second rounding, half up), always from the stored q_8; stored u = q_${l} + ${2 ** (l - 1)}`,
    },
    scale: {
      kind: 'per-group-symmetric-absmax',
      description: `float32 s = fl(max|w| / 127) per group of ${GROUP_SIZE} (all-zero group: s = 1); ${master ? 'ŵ = fl(s·q)' : `ŵ = fl(s·q_${l}·2^${k}) = fl(s·(u·2^${k} − 128)), the master's s reused`}`,
    },
    rounding: {
      mode: master ? 'nearest-even' : 'half-up',
      description: master
        ? 'master codes round half to even'
        : 'master codes round half to even; the switch rounds half up (add 2^(k−1), arithmetic shift right by k), then clamps to the signed range',
    },
    specialValues: {
      nan: 'rejected with a QbenchError naming the element and group',
      inf: 'rejected with a QbenchError naming the element and group',
      zero: 'exact at every precision: q = 0 switches to 0 (the grid is symmetric with a fixed zero); an all-zero group gets s = 1',
      overflow: 'a group absmax whose scale is not a finite positive float32 is rejected',
    },
    tolerance: {
      encode: { bitExact: true, description: 'float32 with Math.fround after every operation' },
      decode: { bitExact: true },
      dot: {
        bitExact: false,
        relative: 1e-5,
        absolute: 1e-6,
        description:
          'no vec_dot in the source: the reference dot is Σ decode(x)_j·y_j in float64 rounded to float32 (y raw float32), the matrix encoded as one rows × n tensor (its per-group side info spans rows); a dequantize-and-multiply kernel sums float32 products in its own order',
      },
      roundTrip: {
        maxNmse: bounds!.gaussian,
        maxNmseBySource: {
          laplace: bounds!.laplace,
          student_t: bounds!.student_t,
          outlier_mixture: bounds!.outlier_mixture,
        },
        idempotent: master,
      },
    },
    notes: [
      `bits/weight = ${l} + 32/${GROUP_SIZE} from the layout (mwq: ${l} + 40/${GROUP_SIZE}, its zero point byte)`,
      master
        ? 'a loader that reads the scales and the first l + 1 planes has everything the l-bit switch needs (the round bit is the next plane), as for mwq'
        : `the same codes as slicing (round half up) the master's offset-binary codes: Double Rounding differs from mwq_r${l} only in the master's grid (symmetric absmax, fixed zero 128, vs asymmetric min-max with a stored zero point)`,
      PAPER_NOTE,
      BOUNDS_NOTE,
      master ? MASTER_IDEMPOTENCE_NOTE : SWITCHED_IDEMPOTENCE_NOTE,
    ],
  };
}

export function parseDroundId(id: string): ResolvedSpec | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const spec = buildDroundSpec(m[1] === undefined ? DROUND_MASTER_BITS : Number(m[1]));
  return { ...spec, derived: deriveNumbers(spec.layout) };
}

export function isDroundSpec(spec: ResolvedSpec): boolean {
  return spec.params?.['method'] === 'double-rounding';
}

export function droundParams(spec: ResolvedSpec): DroundParams {
  const p = spec.params as Partial<DroundParams> | undefined;
  if (
    p?.method !== 'double-rounding' ||
    p.masterBits !== 8 ||
    typeof p.bits !== 'number' ||
    p.groupSize !== GROUP_SIZE
  ) {
    throw new QbenchError(
      'mwq.spec',
      `${spec.id}: params must give method double-rounding, masterBits 8, bits and groupSize ${GROUP_SIZE}`,
    );
  }
  checkWidths(8, p.bits);
  return { method: 'double-rounding', masterBits: 8, bits: p.bits, groupSize: p.groupSize };
}
