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
  /**
   * 'f16-nibbles': one fp16 spread over the top nibbles (bits 12..15) of four consecutive little-endian
   * uint16, nibble k in u16 k (iq1_m's super-block scale; 8 bytes per element).
   */
  readonly type: 'f16' | 'bf16' | 'f32' | 'e8m0' | 'f16-nibbles';
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
  const spread = SPREAD_F16[spec.id];
  let bits = 0;
  for (const f of spec.layout.fields) {
    if ((f.type === 'f16' || f.type === 'bf16' || f.type === 'f32' || f.type === 'e8m0') && bits % 8 === 0) {
      out.push({ name: f.name, type: f.type, offset: bits / 8, count: f.count });
    } else if (spread === f.name && f.type === 'u16' && f.count === 4 && bits % 8 === 0) {
      out.push({
        name: `${f.name} (fp16 d in the top nibbles)`,
        type: 'f16-nibbles',
        offset: bits / 8,
        count: 1,
      });
    }
    bits += fieldBits(f);
  }
  return out;
}

/**
 * Types whose fp16 block scale has no field of its own but is spread over the top nibbles of a u16[4]
 * field (by spec id, the field's name). ggml_validate_row_data checks it: for GGML_TYPE_IQ1_M it assembles
 * iq1m_scale_t from (sc[0] >> 12) | (sc[1] >> 8 & 0xF0) | (sc[2] >> 4 & 0xF00) | (sc[3] & 0xF000) and
 * rejects the block when that fp16 is NaN or infinite (validate_fp16).
 */
const SPREAD_F16: Readonly<Record<string, string>> = { iq1_m: 'scales' };

/** The bits of the fp16 a 'f16-nibbles' field holds, the four little-endian u16 at `at`. */
export function f16FromTopNibbles(view: DataView, at: number): number {
  return (
    ((view.getUint16(at, true) >> 12) |
      ((view.getUint16(at + 2, true) >> 8) & 0x00f0) |
      ((view.getUint16(at + 4, true) >> 4) & 0x0f00) |
      (view.getUint16(at + 6, true) & 0xf000)) &
    0xffff
  );
}
