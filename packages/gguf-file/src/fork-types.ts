/**
 * Type ids that ggml forks give their own types: a GGUF written by a fork can carry them, and mainline
 * ggml (and every qbench codec) either rejects them (ids past GGML_TYPE_COUNT, removed slots) or reads
 * the same id as a different type. Data, not code: one row per (fork, id), from the fork's own enum.
 *
 * Provenance: ikawrakow/ik_llama.cpp 8337e4cd3861406fc04e0854b1409cd1b027fbc9, `ggml/include/ggml.h`
 * (enum ggml_type) and `ggml/src/ggml.c` (type_traits names). Its 36 (I2_S, "so we are able to consume MS
 * BitNet I2_S quants") sits in mainline's removed IQ4_NL_4_4 slot; its 41 (Q1_0_G128, "Bonsai 1-bit
 * quants", block_q1_0_g128 = fp16 d + 128 sign bits) shares mainline's q1_0 id and its 18-byte layout.
 */

export interface ForkTypeId {
  readonly id: number;
  /** The fork's type_name. */
  readonly name: string;
  readonly fork: string;
  /** For ids inside mainline's range: how the fork's type relates to mainline's type at that id. */
  readonly relation?: string;
}

const IK = 'ik_llama.cpp';

// [id, type_name]
const IK_ROWS: ReadonlyArray<readonly [number, string]> = [
  [36, 'i2_s'],
  [41, 'q1_0_g128'],
  [97, 'q8_0_x4'],
  [98, 'q8_1_x4'],
  [99, 'q8_2_x4'],
  [133, 'q6_0'],
  [134, 'iq1_bn'],
  [135, 'iq2_bn'],
  [136, 'q8_k64'],
  [137, 'iq2_k'],
  [138, 'iq3_k'],
  [139, 'iq4_k'],
  [140, 'iq5_k'],
  [141, 'iq6_k'],
  [142, 'iq2_tn'], // deprecated in the fork, still found in older files
  [143, 'iq1_tn'], // deprecated likewise
  [144, 'iq4_ks'],
  [145, 'iq2_ks'],
  [146, 'iq4_kss'],
  [147, 'q8_k16'],
  [148, 'q8_k32'],
  [149, 'q8_kr8'],
  [150, 'q8_k128'],
  [151, 'q8_kv'],
  [152, 'iq5_ks'],
  [153, 'iq2_kt'],
  [154, 'iq3_kt'],
  [155, 'iq4_kt'],
  [156, 'iq3_ks'],
  [157, 'iq2_kl'],
  [158, 'iq1_kt'],
  [202, 'q4_0_r8'],
  [206, 'q5_0_r4'],
  [208, 'q8_0_r8'],
  [210, 'q2_k_r4'],
  [211, 'q3_k_r4'],
  [212, 'q4_k_r4'],
  [213, 'q5_k_r4'],
  [214, 'q6_k_r4'],
  [216, 'iq2_xxs_r4'],
  [217, 'iq2_xs_r4'],
  [218, 'iq3_xxs_r4'],
  [219, 'iq1_s_r4'],
  [220, 'iq4_nl_r4'],
  [221, 'iq3_s_r4'],
  [222, 'iq2_s_r4'],
  [223, 'iq4_xs_r8'],
  [229, 'iq1_m_r4'],
  [230, 'bf16_r16'],
  [233, 'q6_0_r4'],
  [335, 'iq2_bn_r4'],
  [337, 'iq2_k_r4'],
  [338, 'iq3_k_r4'],
  [339, 'iq4_k_r4'],
  [340, 'iq5_k_r4'],
  [344, 'iq4_ks_r4'],
  [352, 'iq5_ks_r4'],
  [353, 'mxfp4_r8'],
  [397, 'q8_k_r16'],
  [398, 'q8_kv_r8'],
  [399, 'q8_k_r8'],
];

const RELATION: Readonly<Record<number, string>> = {
  36: "mainline's removed iq4_nl_4_4 slot",
  41: "mainline's q1_0, with the same layout (128 weights: fp16 d + 128 sign bits, 18 bytes)",
};

export const FORK_TYPE_IDS: ReadonlyArray<ForkTypeId> = Object.freeze(
  IK_ROWS.map(([id, name]) =>
    Object.freeze({ id, name, fork: IK, ...(RELATION[id] ? { relation: RELATION[id] } : {}) }),
  ),
);

/** Every fork's use of a type id (empty when no known fork uses it). */
export function forkUses(id: number): ForkTypeId[] {
  return FORK_TYPE_IDS.filter((f) => f.id === id);
}

/** "ik_llama.cpp's iq2_k" (and others, comma-separated) for a finding message. */
export function describeForkUses(uses: readonly ForkTypeId[]): string {
  return uses.map((u) => `${u.fork}'s ${u.name}`).join(', ');
}
