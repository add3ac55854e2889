/**
 * Block invariants of ggml's quantizers: properties every block written by ggml_quantize_chunk has, so a
 * block without them was made (or edited) by something else. Field positions come from each type's spec
 * layout by field name; only the packing of 6-bit scales is type-specific and spelled out here. A type
 * whose spec is missing, or names its fields differently, simply gets no invariant.
 *
 * Measured on datasets/golden/ggml (ggml d99724f2, every case, with and without imatrix):
 * - `strict`: holds for every block of every case — q8_0 (a code at ±127: d = amax/127) and q6_k (a
 *   sub-block scale at −128: iscale = −128/s_max).
 * - `reference-path`: holds for every block quantized without an importance matrix (the extreme element
 *   or sub-block sits at the end code), but the imatrix search breaks it in up to 45% of blocks of a
 *   128-block case. Reported only when nearly every block of a large tensor breaks it.
 * - `strict` for nvfp4 (ggml's): scale bytes ≤ 0x7E, no E2M1 code 8, all codes 0 under a zero scale —
 *   facts of ggml_fp32_to_ue4m3 and best_index_mxfp4, checked on its golden folder.
 * Generic fallback: a type whose spec says its reference codec is idempotent (tolerance.roundTrip.
 * idempotent, e.g. mxfp4, tq1_0, tq2_0) must reproduce its own bytes when its decoded values are
 * quantized again; that needs no per-type code at all.
 */
import { fieldBits, loadFormat, type ResolvedSpec } from '@qbench/core';
import { f16FromTopNibbles, scaleFields } from './tensor-types.ts';

export interface BlockInvariant {
  readonly kind: 'strict' | 'reference-path';
  readonly description: string;
  /** Called with each chunk of whole blocks before its blocks are checked (invariants that work per chunk). */
  prepare?(chunk: Uint8Array): void;
  /**
   * True when the block starting at byte `at` of `bytes` (and of `view`, over the same memory) satisfies
   * the invariant; blocks with a zero scale always do. Offsets instead of per-block views keep the scan
   * of a multi-GB tensor free of per-block allocations.
   */
  check(bytes: Uint8Array, view: DataView, at: number): boolean;
}

/** Byte offset of a named field in the spec layout, when it starts on a byte boundary. */
function fieldOffset(spec: ResolvedSpec, name: string): number | undefined {
  let bits = 0;
  for (const f of spec.layout.fields) {
    if (f.name === name) return bits % 8 === 0 ? bits / 8 : undefined;
    bits += fieldBits(f);
  }
  return undefined;
}

function f16IsZero(view: DataView, at: number): boolean {
  return (view.getUint16(at, true) & 0x7fff) === 0;
}

function some(b: Uint8Array, from: number, n: number, pred: (x: number) => boolean): boolean {
  for (let i = from; i < from + n; i++) if (pred(b[i]!)) return true;
  return false;
}

/** ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j from the 12 packed bytes. */
function scaleMinK4(b: Uint8Array, at: number, j: number): [number, number] {
  if (j < 4) return [b[at + j]! & 63, b[at + j + 4]! & 63];
  return [
    (b[at + j + 4]! & 0xf) | ((b[at + j - 4]! >> 6) << 4),
    (b[at + j + 4]! >> 4) | ((b[at + j]! >> 6) << 4),
  ];
}

type Factory = (spec: ResolvedSpec) => BlockInvariant | undefined;

const FACTORIES: Readonly<Record<string, Factory>> = {
  nvfp4(spec) {
    const d = fieldOffset(spec, 'd');
    const qs = fieldOffset(spec, 'qs');
    if (d === undefined || qs === undefined) return undefined;
    // ggml_fp32_to_ue4m3 never sets bit 7 and clamps at 0x7E; best_index_mxfp4 keeps code 0 over code 8
    // (both are 0) on a tie, so −0 never appears; a zero scale makes every code tie at 0.
    const subBlockOk = (b: Uint8Array, at: number, s: number): boolean => {
      const ue = b[at + d + s]!;
      if (ue > 0x7e) return false;
      for (let j = 0; j < 8; j++) {
        const byte = b[at + qs + 8 * s + j]!;
        if ((byte & 0xf) === 8 || byte >> 4 === 8 || (ue === 0 && byte !== 0)) return false;
      }
      return true;
    };
    return {
      kind: 'strict',
      description:
        'a UE4M3 scale byte above 0x7E, an E2M1 code 8 (−0), or a non-zero code under a zero scale (ggml writes none)',
      check: (b, _v, at) =>
        subBlockOk(b, at, 0) && subBlockOk(b, at, 1) && subBlockOk(b, at, 2) && subBlockOk(b, at, 3),
    };
  },
  q8_0(spec) {
    const d = fieldOffset(spec, 'd');
    const qs = fieldOffset(spec, 'qs');
    if (d === undefined || qs === undefined) return undefined;
    return {
      kind: 'strict',
      description: 'a non-zero d with no code at ±127 (ggml sets d = amax/127)',
      check: (b, v, at) => f16IsZero(v, at + d) || some(b, at + qs, 32, (x) => x === 127 || x === 129),
    };
  },
  q6_k(spec) {
    const d = fieldOffset(spec, 'd');
    const sc = fieldOffset(spec, 'scales');
    if (d === undefined || sc === undefined) return undefined;
    return {
      kind: 'strict',
      description: 'a non-zero d with no sub-block scale at −128 (ggml sets iscale = −128/max scale)',
      check: (b, v, at) => f16IsZero(v, at + d) || some(b, at + sc, 16, (x) => x === 0x80),
    };
  },
  q4_0(spec) {
    const d = fieldOffset(spec, 'd');
    const qs = fieldOffset(spec, 'qs');
    if (d === undefined || qs === undefined) return undefined;
    return {
      kind: 'reference-path',
      description: 'a non-zero d with no element at code 0 (the largest-magnitude value maps to code 0)',
      check: (b, v, at) =>
        f16IsZero(v, at + d) || some(b, at + qs, 16, (x) => (x & 0xf) === 0 || x >> 4 === 0),
    };
  },
  q4_1(spec) {
    const d = fieldOffset(spec, 'd');
    const qs = fieldOffset(spec, 'qs');
    if (d === undefined || qs === undefined) return undefined;
    return {
      kind: 'reference-path',
      description: 'a non-zero d without both code 0 (the min) and code 15 (the max)',
      check: (b, v, at) =>
        f16IsZero(v, at + d) ||
        (some(b, at + qs, 16, (x) => (x & 0xf) === 0 || x >> 4 === 0) &&
          some(b, at + qs, 16, (x) => (x & 0xf) === 15 || x >> 4 === 15)),
    };
  },
  q2_k(spec) {
    const sc = fieldOffset(spec, 'scales');
    const d = fieldOffset(spec, 'd');
    const dmin = fieldOffset(spec, 'dmin');
    if (sc === undefined || d === undefined || dmin === undefined) return undefined;
    return {
      kind: 'reference-path',
      description: 'no sub-block scale (or min) at the 4-bit maximum 15 although d (dmin) is non-zero',
      check: (b, v, at) =>
        (f16IsZero(v, at + d) || some(b, at + sc, 16, (x) => (x & 0xf) === 15)) &&
        (f16IsZero(v, at + dmin) || some(b, at + sc, 16, (x) => x >> 4 === 15)),
    };
  },
  q3_k(spec) {
    const sc = fieldOffset(spec, 'scales');
    const d = fieldOffset(spec, 'd');
    if (sc === undefined || d === undefined) return undefined;
    return {
      kind: 'reference-path',
      description: 'a non-zero d with no sub-block scale at the extreme −32 (stored 0)',
      check: (b, v, at) => {
        if (f16IsZero(v, at + d)) return true;
        const s0 = at + sc;
        for (let j = 0; j < 16; j++) {
          const lo = j < 8 ? b[s0 + j]! & 0xf : b[s0 + j - 8]! >> 4;
          const hi = (b[s0 + 8 + (j % 4)]! >> (2 * Math.floor(j / 4))) & 3;
          if ((lo | (hi << 4)) === 0) return true;
        }
        return false;
      },
    };
  },
  q4_k: kQuant,
  q5_k: kQuant,
};

function kQuant(spec: ResolvedSpec): BlockInvariant | undefined {
  const d = fieldOffset(spec, 'd');
  const dmin = fieldOffset(spec, 'dmin');
  const sc = fieldOffset(spec, 'scales');
  if (d === undefined || dmin === undefined || sc === undefined) return undefined;
  return {
    kind: 'reference-path',
    description: 'no sub-block scale (or min) at the 6-bit maximum 63 although d (dmin) is non-zero',
    check: (b, v, at) => {
      let maxScale = false;
      let maxMin = false;
      for (let j = 0; j < 8; j++) {
        const [s, m] = scaleMinK4(b, at + sc, j);
        maxScale ||= s === 63;
        maxMin ||= m === 63;
      }
      return (f16IsZero(v, at + d) || maxScale) && (f16IsZero(v, at + dmin) || maxMin);
    },
  };
}

/** The hand-written invariant for a type, when its spec is present and has the expected fields. */
export function blockInvariant(spec: ResolvedSpec | undefined): BlockInvariant | undefined {
  if (!spec || !Object.hasOwn(FACTORIES, spec.id)) return undefined;
  return FACTORIES[spec.id]!(spec);
}

/**
 * The generic invariant of an idempotent type: encode(decode(block)) === block, computed per chunk with
 * the type's reference codec. Undefined when the spec does not claim idempotence or the codec is missing.
 */
export async function roundTripInvariant(
  spec: ResolvedSpec | undefined,
): Promise<BlockInvariant | undefined> {
  if (spec?.tolerance.roundTrip?.idempotent !== true) return undefined;
  let codec: Awaited<ReturnType<typeof loadFormat>>['reference'];
  try {
    codec = (await loadFormat(spec.id)).reference;
  } catch {
    return undefined; // the family has no codec for it (yet): nothing to compare against
  }
  const { blockElements, blockBytes } = spec.layout;
  const scales = scaleFields(spec).filter((f) => f.type !== 'e8m0');
  /** True when every float scale of the block is ±0, or any is NaN/inf (content.ts reports those). */
  const degenerateScale = (b: Uint8Array, at: number): boolean => {
    if (scales.length === 0) return false;
    let allZero = true;
    for (const f of scales) {
      const nibbles = f.type === 'f16-nibbles';
      const width = f.type === 'f32' ? 4 : nibbles ? 8 : 2;
      const expMask = f.type === 'bf16' ? 0x7f80 : f.type === 'f32' ? 0x7f800000 : 0x7c00;
      for (let k = 0; k < f.count; k++) {
        const o = at + f.offset + k * width;
        const bits = nibbles
          ? f16FromTopNibbles(new DataView(b.buffer, b.byteOffset, b.byteLength), o)
          : width === 2
            ? b[o]! | (b[o + 1]! << 8)
            : (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
        if ((bits & expMask) >>> 0 === expMask) return true;
        if ((bits & (width === 4 ? 0x7fffffff : 0x7fff)) !== 0) allZero = false;
      }
    }
    return allZero;
  };
  let again: Uint8Array | undefined;
  return {
    kind: 'strict',
    description: 'bytes that quantizing their own decoded values does not reproduce (the type is idempotent)',
    prepare(chunk) {
      try {
        const n = (chunk.length / blockBytes) * blockElements;
        again = codec.encode(codec.decode(chunk, n), { nonFinite: 'propagate' });
      } catch {
        again = undefined; // a codec that cannot re-encode this chunk proves nothing either way
      }
    },
    check(bytes, _view, at) {
      if (!again) return true;
      // A scale that underflowed to zero (golden `tiny` cases) leaves codes the decode cannot see, and an
      // overflowed one (`huge`) decodes to inf/NaN: neither round-trips, both are ggml's real output.
      if (degenerateScale(bytes, at)) return true;
      for (let i = 0; i < blockBytes; i++) if (bytes[at + i] !== again[at + i]) return false;
      return true;
    },
  };
}

/** reference-path invariants are reported when at least this share of at least this many blocks break them. */
export const REFERENCE_PATH_MIN_BLOCKS = 64;
export const REFERENCE_PATH_MIN_SHARE = 0.9;
