/**
 * Tensor types as qbench sees them: ggml's facts (ggml-types.ts) joined with the gguf-family specs
 * (FORMAT_SPECS filtered by family 'gguf' and params.ggmlTypeId). Where a spec exists its layout is the
 * authority for block sizes and field offsets; specs arriving later are picked up without edits here.
 * Byte sizes are computed with BigInt because dims are u64 and hostile files choose them.
 */
import { FORMAT_SPECS, fieldBits, type ResolvedSpec } from '@qbench/core';
import { GGML_TYPE_COUNT, type GgmlTypeFacts, ggmlTypeFacts } from './ggml-types.ts';

export interface TensorType extends GgmlTypeFacts {
  /** qbench's id: the spec id where one exists, else ggml's name in lower case. */
  readonly name: string;
  /** The gguf-family spec of this type, when qbench has one. */
  readonly spec?: ResolvedSpec;
  /** Bits per weight (from the spec when present, else blockBytes·8/blockElements). */
  readonly bitsPerWeight: number;
}

function specsByGgmlId(): Map<number, ResolvedSpec> {
  const out = new Map<number, ResolvedSpec>();
  for (const spec of Object.values(FORMAT_SPECS) as ResolvedSpec[]) {
    const id = spec.params?.['ggmlTypeId'];
    if (spec.family === 'gguf' && typeof id === 'number') out.set(id, spec);
  }
  return out;
}

let table: ReadonlyArray<TensorType> | undefined;

function buildTable(): ReadonlyArray<TensorType> {
  const specs = specsByGgmlId();
  const rows: TensorType[] = [];
  for (let id = 0; id < GGML_TYPE_COUNT; id++) {
    const facts = ggmlTypeFacts(id)!;
    const spec = specs.get(id);
    const blockElements = spec?.layout.blockElements ?? facts.blockElements;
    const blockBytes = spec?.layout.blockBytes ?? facts.blockBytes;
    const bitsPerWeight =
      spec?.derived.bitsPerWeight ?? (blockElements > 0 ? (blockBytes * 8) / blockElements : 0);
    const row: TensorType = {
      ...facts,
      name: spec?.id ?? facts.ggmlName.toLowerCase(),
      blockElements,
      blockBytes,
      bitsPerWeight,
      ...(spec ? { spec } : {}),
    };
    rows.push(Object.freeze(row));
  }
  return Object.freeze(rows);
}

/** Every ggml type id 0..GGML_TYPE_COUNT-1 with qbench's view of it. */
export function tensorTypes(): ReadonlyArray<TensorType> {
  table ??= buildTable();
  return table;
}

/** The type for a ggml id read from a file; undefined when out of range. */
export function tensorType(id: number): TensorType | undefined {
  if (!Number.isInteger(id) || id < 0 || id >= GGML_TYPE_COUNT) return undefined;
  return tensorTypes()[id];
}

/** Look a type up by qbench name (`q4_k`) or ggml name (`q4_K`). */
export function tensorTypeByName(name: string): TensorType | undefined {
  const lower = name.toLowerCase();
  return tensorTypes().find((t) => !t.removed && t.name === lower);
}

/** Product of dims, exact. */
export function elementCount(dims: readonly bigint[]): bigint {
  let n = 1n;
  for (const d of dims) n *= d;
  return n;
}

/** Bytes of a tensor of this type and shape (ggml_nbytes for a contiguous tensor), exact. */
export function tensorByteSize(type: TensorType, dims: readonly bigint[]): bigint {
  if (type.blockElements === 0) return 0n;
  return (elementCount(dims) / BigInt(type.blockElements)) * BigInt(type.blockBytes);
}

export interface ScaleField {
  readonly name: string;
  readonly type: 'f16' | 'bf16' | 'f32' | 'e8m0';
  /** Byte offset of the first element inside the block. */
  readonly offset: number;
  readonly count: number;
}

/**
 * The floating-point fields of a block (scales, mins, sums), located from the spec's layout: fields are
 * laid out in order, so a field's byte offset is the sum of the bits of those before it. Fields that do
 * not start on a byte boundary cannot be float scales and are skipped.
 */
export function scaleFields(spec: ResolvedSpec): ScaleField[] {
  const out: ScaleField[] = [];
  let bits = 0;
  for (const f of spec.layout.fields) {
    if ((f.type === 'f16' || f.type === 'bf16' || f.type === 'f32' || f.type === 'e8m0') && bits % 8 === 0) {
      out.push({ name: f.name, type: f.type, offset: bits / 8, count: f.count });
    }
    bits += fieldBits(f);
  }
  return out;
}
