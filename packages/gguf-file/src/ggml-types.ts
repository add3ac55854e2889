/**
 * ggml's tensor type ids: the one table of facts qbench needs about types it may meet in a GGUF file,
 * including the ones it has no codec for and the ids ggml has removed.
 *
 * Provenance: ggml-org/ggml d99724f2 — `include/ggml.h` (enum ggml_type, GGML_TYPE_COUNT = 43),
 * `src/ggml.c` (type_traits[]: type_name, blck_size, type_size, is_quantized; removed ids have
 * blck_size = type_size = 0 and are rejected by gguf.cpp), `src/ggml-common.h` (block structs and their
 * static_assert sizes, QK_K = 256). Types that have a spec in formats/gguf take their block sizes from
 * the spec instead (tensor-types.ts); a test checks both agree.
 */

export interface GgmlTypeFacts {
  /** ggml type id as stored in a GGUF tensor info (u32). */
  readonly id: number;
  /** ggml's type_name (its spelling: `q4_K`, not `q4_k`). */
  readonly ggmlName: string;
  /** Elements per block (blck_size); 0 for removed ids. */
  readonly blockElements: number;
  /** Bytes per block (type_size); 0 for removed ids. */
  readonly blockBytes: number;
  readonly quantized: boolean;
  /** True for ids ggml no longer accepts (type_traits entries with blck_size 0). */
  readonly removed: boolean;
}

/** One past the largest id ggml knows (GGML_TYPE_COUNT). */
export const GGML_TYPE_COUNT = 43;

/** The super-block size of k-quants and most i-quants (QK_K). */
const QK_K = 256;

// [id, type_name, blck_size, type_size, is_quantized]; sizes as the static_asserts in ggml-common.h spell them.
const ROWS: ReadonlyArray<readonly [number, string, number, number, boolean]> = [
  [0, 'f32', 1, 4, false],
  [1, 'f16', 1, 2, false],
  [2, 'q4_0', 32, 2 + 16, true],
  [3, 'q4_1', 32, 2 * 2 + 16, true],
  [4, 'q4_2', 0, 0, false], // removed: type_traits[4] "DEPRECATED"
  [5, 'q4_3', 0, 0, false], // removed: type_traits[5] "DEPRECATED"
  [6, 'q5_0', 32, 2 + 4 + 16, true],
  [7, 'q5_1', 32, 2 * 2 + 4 + 16, true],
  [8, 'q8_0', 32, 2 + 32, true],
  [9, 'q8_1', 32, 2 * 2 + 32, true],
  [10, 'q2_K', QK_K, 2 * 2 + QK_K / 16 + QK_K / 4, true],
  [11, 'q3_K', QK_K, 2 + QK_K / 4 + QK_K / 8 + 12, true],
  [12, 'q4_K', QK_K, 2 * 2 + 12 + QK_K / 2, true],
  [13, 'q5_K', QK_K, 2 * 2 + 12 + QK_K / 2 + QK_K / 8, true],
  [14, 'q6_K', QK_K, 2 + QK_K / 16 + (3 * QK_K) / 4, true],
  [15, 'q8_K', QK_K, 4 + QK_K + (QK_K / 16) * 2, true],
  [16, 'iq2_xxs', QK_K, 2 + (QK_K / 8) * 2, true],
  [17, 'iq2_xs', QK_K, 2 + (QK_K / 8) * 2 + QK_K / 32, true],
  [18, 'iq3_xxs', QK_K, 2 + 3 * (QK_K / 8), true],
  [19, 'iq1_s', QK_K, 2 + QK_K / 8 + QK_K / 16, true],
  [20, 'iq4_nl', 32, 2 + 16, true],
  [21, 'iq3_s', QK_K, 2 + 13 * (QK_K / 32) + QK_K / 64, true],
  [22, 'iq2_s', QK_K, 2 + QK_K / 4 + QK_K / 16, true],
  [23, 'iq4_xs', QK_K, 2 + 2 + QK_K / 64 + QK_K / 2, true],
  [24, 'i8', 1, 1, false],
  [25, 'i16', 1, 2, false],
  [26, 'i32', 1, 4, false],
  [27, 'i64', 1, 8, false],
  [28, 'f64', 1, 8, false],
  [29, 'iq1_m', QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32, true],
  [30, 'bf16', 1, 2, false],
  [31, 'q4_0_4_4', 0, 0, false], // removed: "use Q4_0 with runtime repacking"
  [32, 'q4_0_4_8', 0, 0, false], // removed
  [33, 'q4_0_8_8', 0, 0, false], // removed
  [34, 'tq1_0', QK_K, 2 + QK_K / 64 + (QK_K - (4 * QK_K) / 64) / 5, true],
  [35, 'tq2_0', QK_K, 2 + QK_K / 4, true],
  [36, 'iq4_nl_4_4', 0, 0, false], // removed: "use IQ4_NL with runtime repacking"
  [37, 'iq4_nl_4_8', 0, 0, false], // removed
  [38, 'iq4_nl_8_8', 0, 0, false], // removed
  [39, 'mxfp4', 32, 1 + 16, true],
  [40, 'nvfp4', 64, 4 + 32, true], // 4 UE4M3 sub-block scales + 64 E2M1 nibbles
  [41, 'q1_0', 128, 2 + 128 / 8, true],
  [42, 'q2_0', 64, 2 + 64 / 4, true],
];

export const GGML_TYPES_BY_ID: ReadonlyArray<GgmlTypeFacts> = Object.freeze(
  ROWS.map(([id, ggmlName, blockElements, blockBytes, quantized]) =>
    Object.freeze({ id, ggmlName, blockElements, blockBytes, quantized, removed: blockElements === 0 }),
  ),
);

/** Facts for a ggml type id, or undefined when the id is beyond GGML_TYPE_COUNT. */
export function ggmlTypeFacts(id: number): GgmlTypeFacts | undefined {
  return Number.isInteger(id) && id >= 0 && id < GGML_TYPE_COUNT ? GGML_TYPES_BY_ID[id] : undefined;
}
