/**
 * GGUF metadata value model (ggml docs/gguf.md "gguf_metadata_value_type", include/gguf.h enum gguf_type).
 * 64-bit integers are BigInt; numeric arrays are typed arrays over copies of the file bytes, so values
 * (NaN payloads, -0.0) survive a read/write round trip bit for bit.
 */

/** Value type ids as stored in the file (u32), named the way ggml's gguf_type_name spells them. */
export const GGUF_VALUE_TYPES = [
  'u8',
  'i8',
  'u16',
  'i16',
  'u32',
  'i32',
  'f32',
  'bool',
  'str',
  'arr',
  'u64',
  'i64',
  'f64',
] as const;
export type GgufValueTypeName = (typeof GGUF_VALUE_TYPES)[number];
export type GgufScalarTypeName = Exclude<GgufValueTypeName, 'arr'>;

export const GGUF_TYPE_ID: Readonly<Record<GgufValueTypeName, number>> = Object.freeze(
  Object.fromEntries(GGUF_VALUE_TYPES.map((n, i) => [n, i])) as Record<GgufValueTypeName, number>,
);

/** Fixed byte size of each scalar type; strings are 8 + length. */
export const GGUF_SCALAR_BYTES: Readonly<Record<Exclude<GgufScalarTypeName, 'str'>, number>> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
  bool: 1,
  u64: 8,
  i64: 8,
  f64: 8,
};

export type GgufNumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigUint64Array
  | BigInt64Array;

export type GgufScalar =
  | {
      type: 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64';
      value: number;
      /**
       * f32/f64 NaN only: the bits as read (u32 for f32, u64 as BigInt for f64), so a NaN's payload and
       * signalling bit survive a read/write round trip (a JS number cannot hold them reliably).
       */
      bits?: number | bigint;
    }
  | { type: 'u64' | 'i64'; value: bigint }
  | { type: 'bool'; value: boolean }
  | { type: 'str'; value: string };

export interface GgufArray {
  type: 'arr';
  elementType: GgufValueTypeName;
  /** Element count as stored (u64). */
  length: bigint;
  /**
   * The elements: a typed array for numeric types (bool as 0/1 bytes), strings, or nested arrays.
   * Undefined when the reader skipped materialising the array (over its memory budget).
   */
  values?: GgufNumericArray | string[] | GgufArray[];
}

export type GgufValue = GgufScalar | GgufArray;

export function valueTypeName(id: number): GgufValueTypeName | undefined {
  return Number.isInteger(id) && id >= 0 && id < GGUF_VALUE_TYPES.length ? GGUF_VALUE_TYPES[id] : undefined;
}

/** Copy `bytes` into a fresh, aligned typed array of the element type (little-endian host assumed by callers). */
export function numericArrayFromBytes(type: GgufValueTypeName, bytes: Uint8Array): GgufNumericArray {
  const copy = bytes.slice().buffer;
  switch (type) {
    case 'u8':
    case 'bool':
      return new Uint8Array(copy);
    case 'i8':
      return new Int8Array(copy);
    case 'u16':
      return new Uint16Array(copy);
    case 'i16':
      return new Int16Array(copy);
    case 'u32':
      return new Uint32Array(copy);
    case 'i32':
      return new Int32Array(copy);
    case 'f32':
      return new Float32Array(copy);
    case 'f64':
      return new Float64Array(copy);
    case 'u64':
      return new BigUint64Array(copy);
    case 'i64':
      return new BigInt64Array(copy);
    default:
      throw new TypeError(`not a numeric GGUF type: ${type}`);
  }
}

/**
 * A float as JSON keeps it: JSON.stringify prints −0 as 0 and NaN/±Infinity as null, so those four become
 * the strings "-0.0", "NaN", "Infinity" and "-Infinity" (every other float stays a number, exactly).
 */
export function floatToJson(x: number): number | string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return Object.is(x, -0) ? '-0.0' : x;
}

/**
 * A value as plain JSON-safe data: BigInt as decimal strings, typed arrays as arrays, bool arrays as
 * booleans. With `exactFloats`, f32/f64 values JSON cannot hold are strings (floatToJson).
 */
export function valueToJson(
  v: GgufValue,
  maxElements = Number.POSITIVE_INFINITY,
  options: { exactFloats?: boolean } = {},
): unknown {
  const exact = options.exactFloats === true;
  if (v.type !== 'arr') {
    if (typeof v.value === 'bigint') return v.value.toString();
    return exact && (v.type === 'f32' || v.type === 'f64') ? floatToJson(v.value) : v.value;
  }
  const floats = exact && (v.elementType === 'f32' || v.elementType === 'f64');
  const vals = v.values;
  if (vals === undefined) return null;
  const n = Math.min(vals.length, maxElements);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const e = vals[i]!;
    if (typeof e === 'bigint') out.push(e.toString());
    else if (typeof e === 'object') out.push(valueToJson(e, maxElements, options));
    else if (v.elementType === 'bool') out.push(e !== 0);
    else out.push(floats ? floatToJson(e as number) : e);
  }
  return out;
}
