/**
 * TypeScript view of formats/schema.json. The schema is authoritative (ajv validates every spec);
 * these types only describe what validated specs look like.
 */

export type FieldType =
  | 'u1'
  | 'u2'
  | 'u3'
  | 'u4'
  | 'u5'
  | 'u6'
  | 'u7'
  | 'u8'
  | 'i8'
  | 'u16'
  | 'i16'
  | 'u32'
  | 'i32'
  | 'f16'
  | 'bf16'
  | 'f32'
  | 'e8m0'
  | 'e4m3'
  | 'bits';

/** Width in bits of one element of each field type ('bits' carries its own width). */
export const FIELD_TYPE_BITS: Readonly<Record<Exclude<FieldType, 'bits'>, number>> = {
  u1: 1,
  u2: 2,
  u3: 3,
  u4: 4,
  u5: 5,
  u6: 6,
  u7: 7,
  u8: 8,
  i8: 8,
  u16: 16,
  i16: 16,
  u32: 32,
  i32: 32,
  f16: 16,
  bf16: 16,
  f32: 32,
  e8m0: 8,
  e4m3: 8,
};

export interface LayoutField {
  name: string;
  type: FieldType;
  bits?: number;
  count: number;
  description: string;
}

export interface SideInfo extends LayoutField {
  per: number | 'tensor' | 'row';
}

export interface Layout {
  blockElements: number;
  blockBytes: number;
  fields: LayoutField[];
  sideInfo?: SideInfo[];
  packing?: string;
}

export interface OpTolerance {
  bitExact: boolean;
  maxUlp?: number;
  relative?: number;
  absolute?: number;
  description?: string;
}

export interface Described {
  kind?: string;
  mode?: string;
  description: string;
  [extra: string]: unknown;
}

export interface TableSpec {
  type: 'f32' | 'i8' | 'u8' | 'i16' | 'u16' | 'i32' | 'u32';
  values: number[];
  hex?: string[];
  description: string;
}

/** The round-trip suite's sources other than N(0,1) that a spec may bound separately (suites/roundtrip SOURCES). */
export const ROUND_TRIP_SOURCES = ['laplace', 'student_t', 'outlier_mixture'] as const;
export type RoundTripSource = (typeof ROUND_TRIP_SOURCES)[number];

export interface RoundTripTolerance {
  /** Upper bound on Σ(x−x̂)²/Σx² for decode(encode(x)) on N(0,1). */
  maxNmse: number;
  /** The same bound per other source; a source not listed is held to maxNmse. */
  maxNmseBySource?: Partial<Record<RoundTripSource, number>>;
  idempotent?: boolean;
  /** decode(encode(x)) = x bit for bit for every finite x: the round-trip error is exactly 0. */
  lossless?: boolean;
}

/** The NMSE bound a spec states for one round-trip source (maxNmse for N(0,1) and for unlisted sources). */
export function roundTripBound(rt: RoundTripTolerance | undefined, source: string): number | undefined {
  if (!rt) return undefined;
  return (rt.maxNmseBySource as Record<string, number | undefined> | undefined)?.[source] ?? rt.maxNmse;
}

export interface FormatSpec {
  id: string;
  family: string;
  summary: string;
  role?: 'weight' | 'activation' | 'container';
  provenance: {
    implementation: string;
    repository?: string;
    commit: string;
    files?: string[];
    functions?: string[];
    paper?: string;
    notes?: string;
  };
  params?: Record<string, unknown>;
  layout: Layout;
  encoding: Described & { kind: string };
  scale: Described & { kind: string };
  rounding: Described & { mode: string };
  specialValues: Record<string, string>;
  tolerance: {
    encode: OpTolerance;
    decode: OpTolerance;
    dot?: OpTolerance;
    roundTrip?: RoundTripTolerance;
  };
  tables?: Record<string, TableSpec>;
  golden?: string[];
  notes?: string[];
}

/** Numbers derived from a spec by codegen (never typed into a spec by hand). */
export interface DerivedNumbers {
  /** Bits per weight including amortised side info (per-tensor and per-row items excluded). */
  bitsPerWeight: number;
  /** Bits per weight of the block alone. */
  blockBitsPerWeight: number;
  /** Bits stored once per tensor (reported as overhead, not amortised). */
  tensorOverheadBits: number;
  /** Bits stored once per row. */
  rowOverheadBits: number;
}

export interface ResolvedSpec extends FormatSpec {
  derived: DerivedNumbers;
}

export function fieldBits(f: Pick<LayoutField, 'type' | 'bits' | 'count'>): number {
  const width = f.type === 'bits' ? (f.bits ?? 0) : FIELD_TYPE_BITS[f.type];
  return width * f.count;
}

/** Derive bits/weight from a layout. Pure: the same function serves codegen and dynamic ids. */
export function deriveNumbers(layout: Layout): DerivedNumbers {
  const blockBits = layout.blockBytes * 8;
  let amortised = 0;
  let tensorOverheadBits = 0;
  let rowOverheadBits = 0;
  for (const s of layout.sideInfo ?? []) {
    const bits = fieldBits(s);
    if (s.per === 'tensor') tensorOverheadBits += bits;
    else if (s.per === 'row') rowOverheadBits += bits;
    else amortised += bits / s.per;
  }
  const blockBitsPerWeight = blockBits / layout.blockElements;
  return {
    bitsPerWeight: blockBitsPerWeight + amortised,
    blockBitsPerWeight,
    tensorOverheadBits,
    rowOverheadBits,
  };
}

/** Layout consistency: the fields must add up to exactly blockBytes. Returns problems, empty when sound. */
export function checkLayout(layout: Layout): string[] {
  const problems: string[] = [];
  const bits = layout.fields.reduce((s, f) => s + fieldBits(f), 0);
  if (bits !== layout.blockBytes * 8) {
    problems.push(
      `fields add up to ${bits} bits (${bits / 8} bytes) but blockBytes is ${layout.blockBytes} (${layout.blockBytes * 8} bits)`,
    );
  }
  const names = new Set<string>();
  for (const f of [...layout.fields, ...(layout.sideInfo ?? [])]) {
    if (names.has(f.name)) problems.push(`field name '${f.name}' is used twice`);
    names.add(f.name);
  }
  return problems;
}
