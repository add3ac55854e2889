/**
 * ggml's tensor type ids: the one table of facts qbench needs about types it may meet in a GGUF file,
 * including the ones it has no codec for and the ids ggml has removed.
 *
 * Provenance: ggml-org/ggml d99724f2 — `include/ggml.h` (enum ggml_type, GGML_TYPE_COUNT = 43),
 * `src/ggml.c` (type_traits[]: type_name, blck_size, type_size, is_quantized; removed ids have
 * blck_size = type_size = 0 and are rejected by gguf.cpp), `src/ggml-common.h` (block structs and their
 * static_assert sizes, QK_K = 256). Types that have a spec in formats/gguf (params.ggmlTypeId) take
 * every fact from it; only the others (and the removed ids) are rows here. Checked against the live
 * library's ggml_type_name/size/blck_size (ggml-types.live.test.ts).
 */
import { FORMAT_SPECS, type ResolvedSpec } from '@qbench/core';

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

// The ids qbench has no gguf spec for: [id, type_name, blck_size, type_size, is_quantized], sizes as the
// static_asserts in ggml-common.h spell them. Every other id comes from its spec (specRow); an id in both
// is a test failure, so a row is deleted here when its spec arrives (one source per fact).
const ROWS: ReadonlyArray<readonly [number, string, number, number, boolean]> = [
  [4, 'q4_2', 0, 0, false], // removed: type_traits[4] "DEPRECATED"
  [5, 'q4_3', 0, 0, false], // removed: type_traits[5] "DEPRECATED"
  [16, 'iq2_xxs', QK_K, 2 + (QK_K / 8) * 2, true],
  [17, 'iq2_xs', QK_K, 2 + (QK_K / 8) * 2 + QK_K / 32, true],
  [18, 'iq3_xxs', QK_K, 2 + 3 * (QK_K / 8), true],
  [19, 'iq1_s', QK_K, 2 + QK_K / 8 + QK_K / 16, true],
  [21, 'iq3_s', QK_K, 2 + 13 * (QK_K / 32) + QK_K / 64, true],
  [22, 'iq2_s', QK_K, 2 + QK_K / 4 + QK_K / 16, true],
  [24, 'i8', 1, 1, false],
  [25, 'i16', 1, 2, false],
  [26, 'i32', 1, 4, false],
  [27, 'i64', 1, 8, false],
  [28, 'f64', 1, 8, false],
  [29, 'iq1_m', QK_K, QK_K / 8 + QK_K / 16 + QK_K / 32, true],
  [31, 'q4_0_4_4', 0, 0, false], // removed: "use Q4_0 with runtime repacking"
  [32, 'q4_0_4_8', 0, 0, false], // removed
  [33, 'q4_0_8_8', 0, 0, false], // removed
  [36, 'iq4_nl_4_4', 0, 0, false], // removed: "use IQ4_NL with runtime repacking"
  [37, 'iq4_nl_4_8', 0, 0, false], // removed
  [38, 'iq4_nl_8_8', 0, 0, false], // removed
];

/** The facts of a type that has a gguf spec, from the spec: block layout and role (a container is a plain float). */
function specRow(spec: ResolvedSpec): GgmlTypeFacts {
  return {
    id: spec.params!['ggmlTypeId'] as number,
    // ggml's type_name is the spec id except that ggml spells the k-quants with a capital K (q4_K)
    ggmlName: spec.id.replace(/_k$/, '_K'),
    blockElements: spec.layout.blockElements,
    blockBytes: spec.layout.blockBytes,
    quantized: spec.role !== 'container',
    removed: false,
  };
}

/** The ids that only exist as data here (no spec), for the test that keeps the two sources disjoint. */
export const TABLE_ONLY_IDS: ReadonlySet<number> = new Set(ROWS.map(([id]) => id));

function buildTable(): ReadonlyArray<GgmlTypeFacts> {
  const byId = new Map<number, GgmlTypeFacts>();
  for (const [id, ggmlName, blockElements, blockBytes, quantized] of ROWS)
    byId.set(id, { id, ggmlName, blockElements, blockBytes, quantized, removed: blockElements === 0 });
  for (const spec of Object.values(FORMAT_SPECS) as ResolvedSpec[]) {
    if (spec.family !== 'gguf' || typeof spec.params?.['ggmlTypeId'] !== 'number') continue;
    const row = specRow(spec);
    if (!byId.has(row.id)) byId.set(row.id, row); // an id in both: the row wins here, the test fails
  }
  return Object.freeze(
    Array.from({ length: GGML_TYPE_COUNT }, (_, id) => {
      const row = byId.get(id);
      if (!row) throw new Error(`ggml-types: no facts for ggml type id ${id} (neither a spec nor a row)`);
      return Object.freeze(row);
    }),
  );
}

export const GGML_TYPES_BY_ID: ReadonlyArray<GgmlTypeFacts> = buildTable();

/** Facts for a ggml type id, or undefined when the id is beyond GGML_TYPE_COUNT. */
export function ggmlTypeFacts(id: number): GgmlTypeFacts | undefined {
  return Number.isInteger(id) && id >= 0 && id < GGML_TYPE_COUNT ? GGML_TYPES_BY_ID[id] : undefined;
}
