/**
 * Format ids that were renamed, so that leaderboard history recorded under the old id keeps describing the
 * format it measured. `nvfp4` was the NVIDIA/torchao two-level layout (minifloat family) until ggml's own
 * NVFP4 (GGUF type 40) took ggml's spelling; from then on `nvfp4` is ggml's block_nvfp4 and the torchao
 * layout is `nvfp4_torchao`. Records of runs that started before `before` are read under the new id.
 * `before` is when the rename reached main; a run started earlier cannot have measured ggml's type.
 */
import type { RunMetadata, StoredRecord } from './results.ts';

export interface FormatRename {
  readonly from: string;
  readonly to: string;
  /** ISO 8601 UTC: runs that started before this used the old meaning of `from`. */
  readonly before: string;
}

export const RENAMED_FORMATS: readonly FormatRename[] = [
  { from: 'nvfp4', to: 'nvfp4_torchao', before: '2026-12-07T10:20:00Z' },
];

/** `id` or, when it is a renamed id's first segment, the new id (kernel ids are `format/op/backend`). */
function renamedSegment(value: string, rename: FormatRename): string {
  return value === rename.from || value.startsWith(`${rename.from}/`)
    ? rename.to + value.slice(rename.from.length)
    : value;
}

/** A record as it reads under today's ids: format, kernel and the work item's format segment renamed. */
export function migrateRecord(rec: StoredRecord, run: Pick<RunMetadata, 'startedAt'>): StoredRecord {
  let out = rec;
  for (const r of RENAMED_FORMATS) {
    if (run.startedAt >= r.before || out.format !== r.from) continue;
    out = {
      ...out,
      format: r.to,
      kernel: renamedSegment(out.kernel, r),
      // `<suite>:<item id>`, the item id a path such as tensor/nvfp4: rename whole segments only
      item: out.item
        .split(/([/:])/)
        .map((s) => (s === r.from ? r.to : s))
        .join(''),
    };
  }
  return out;
}
