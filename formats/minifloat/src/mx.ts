/**
 * OCP MX v1.0 block codec (MXFP8/MXFP6/MXFP4/MXINT8): 32 elements share one E8M0 scale X = 2^shared,
 *   shared = floor(log2(amax)) − emax_elem,   P_i = quantize_elem(V_i / X),   decode = X · P_i.
 * floor(log2) comes from the float32 exponent bits (floorLog2F32), not from a float log2: microxcaling's
 * Python path computes floor(torch.log2(amax)), which rounds up just below a power of two.
 * Worked example, MXFP4, block [7.9999995, 1, 0.75, 0 …]: amax bits 0x40FFFFFF → exponent 2 → shared = 2 − 2 = 0,
 *   X = 1 (scale byte 0x7F); 7.9999995 clamps to 6 (code 0x7), 1 → 0x2, 0.75 → tie between 0.5 and 1 → even
 *   mantissa → 1 (0x2). Decoded [6, 1, 1]. (microxcaling's Python path gives shared 1 and [8, 1, 1].)
 */
import {
  E8M0_NAN,
  type EncodeOptions,
  e8m0FromExponent,
  floorLog2F32,
  QbenchError,
  type ReferenceCodec,
  type ResolvedSpec,
} from '@qbench/core';
import { checkBytes, checkFinite, checkWholeBlocks } from './common.ts';
import { ElementFormat, type MinifloatParams, roundInteger } from './element.ts';
import { packCodes, unpackCodes } from './packing.ts';

/** One MX element type reduced to what the block codec needs. */
export interface MxElement {
  /** Code width in bits. */
  readonly bits: number;
  /** OCP emax_elem: exponent of the element's largest binade. */
  readonly emax: number;
  /** Code of v = V/X (finite, exactly representable in float32). Saturates at the element max. */
  encode(v: number): number;
  decode(code: number): number;
}

/** FP elements: the generic ElementFormat, forced to saturate (the OCP conversion rule). */
export function fpElement(params: Partial<MinifloatParams>): MxElement {
  const f = new ElementFormat({ ...params, overflow: 'saturate' });
  return { bits: f.bits, emax: f.emax, encode: (v) => f.encode(v), decode: (c) => f.table[c]! };
}

/**
 * MXINT8: k = round(v · 2^−scaleExp) (ties to even), clamped to ±127 (microxcaling's symmetric max_norm
 * 1.984375, so −128 is never produced); decode k · 2^scaleExp accepts −128 = −2.0 as OCP allows.
 * Worked example: v = −1.9921875 → −127.5 → ties to even → −128 → clamp → −127 → −1.984375.
 */
export function intElement(scaleExp: number, clamp: 'symmetric' | 'full'): MxElement {
  const lo = clamp === 'symmetric' ? -127 : -128;
  return {
    bits: 8,
    emax: 0,
    encode(v: number) {
      const r = roundInteger(Math.abs(v) * 2 ** -scaleExp, 'nearest-even');
      const k = Math.min(127, Math.max(lo, v < 0 ? -r : r));
      return k & 0xff;
    },
    decode: (c) => ((c << 24) >> 24) * 2 ** scaleExp,
  };
}

export interface MxLayout {
  blockSize: number;
  element: MxElement;
}

export function mxBlockBytes(l: MxLayout): number {
  return 1 + (l.blockSize * l.element.bits) / 8;
}

/**
 * Encode one block `v` (length blockSize) into `out` at `offset`. Returns the scale code.
 * A block with NaN/±Inf (only reachable with nonFinite 'propagate') gets scale 0xFF and element codes 0.
 */
export function encodeMxBlock(l: MxLayout, v: Float32Array, out: Uint8Array, offset: number): number {
  let amax = 0;
  let finite = true;
  for (let i = 0; i < v.length; i++) {
    const a = Math.abs(v[i]!);
    if (!Number.isFinite(a)) finite = false;
    else if (a > amax) amax = a;
  }
  const codes = new Uint16Array(l.blockSize);
  let scaleCode: number;
  if (!finite) {
    scaleCode = E8M0_NAN;
  } else {
    // All-zero block: floorLog2F32(0) = −Inf → clamps to code 0x00 (2^−127), as torchao does.
    scaleCode = amax === 0 ? 0 : e8m0FromExponent(floorLog2F32(amax) - l.element.emax);
    const x = 2 ** (scaleCode - 127);
    for (let i = 0; i < v.length; i++) {
      // V/X is exact in float32 unless it falls below 2^−126, where every element type rounds to 0 anyway.
      codes[i] = l.element.encode(Math.fround(v[i]! / x));
    }
  }
  out[offset] = scaleCode;
  packCodes(codes, l.element.bits, out, offset + 1);
  return scaleCode;
}

export function decodeMxBlock(
  l: MxLayout,
  q: Uint8Array,
  offset: number,
  y: Float32Array,
  yOffset: number,
): void {
  const scaleCode = q[offset]!;
  const codes = unpackCodes(q, l.element.bits, l.blockSize, offset + 1);
  if (scaleCode === E8M0_NAN) {
    y.fill(Number.NaN, yOffset, yOffset + l.blockSize);
    return;
  }
  const x = 2 ** (scaleCode - 127);
  for (let i = 0; i < l.blockSize; i++) y[yOffset + i] = Math.fround(x * l.element.decode(codes[i]!));
}

/** The element of an MX spec: `params.element` names another minifloat spec, or 'int8'. */
export function mxElementOf(
  spec: ResolvedSpec,
  elementParams: (id: string) => Partial<MinifloatParams> | undefined,
): MxElement {
  const p = spec.params ?? {};
  const element = p['element'];
  if (element === 'int8') {
    const scaleExp = p['intScaleExponent'];
    const clamp = p['intClamp'];
    if (typeof scaleExp !== 'number' || (clamp !== 'symmetric' && clamp !== 'full')) {
      throw new QbenchError(
        'minifloat.params',
        `${spec.id}: int8 elements need intScaleExponent (number) and intClamp ('symmetric' | 'full')`,
      );
    }
    return intElement(scaleExp, clamp);
  }
  const ep = typeof element === 'string' ? elementParams(element) : undefined;
  if (!ep)
    throw new QbenchError('minifloat.params', `${spec.id}: unknown element format '${String(element)}'`);
  return fpElement(ep);
}

export function mxCodec(spec: ResolvedSpec, element: MxElement): ReferenceCodec {
  const { id } = spec;
  const blockSize = spec.layout.blockElements;
  const layout: MxLayout = { blockSize, element };
  const bb = mxBlockBytes(layout);
  if (bb !== spec.layout.blockBytes) {
    throw new QbenchError(
      'minifloat.layout',
      `${id}: element width gives ${bb} bytes per block, spec says ${spec.layout.blockBytes}`,
    );
  }
  const encodedBytes = (n: number) => {
    checkWholeBlocks(id, n, blockSize);
    return (n / blockSize) * bb;
  };
  return {
    encodedBytes,
    encode(x: Float32Array, options: EncodeOptions = {}) {
      const out = new Uint8Array(encodedBytes(x.length));
      if (options.nonFinite !== 'propagate') checkFinite(id, x, blockSize);
      for (let b = 0; b * blockSize < x.length; b++) {
        encodeMxBlock(layout, x.subarray(b * blockSize, (b + 1) * blockSize), out, b * bb);
      }
      return out;
    },
    decode(q: Uint8Array, n: number) {
      checkBytes(id, q.length, encodedBytes(n), n);
      const y = new Float32Array(n);
      for (let b = 0; b * blockSize < n; b++) decodeMxBlock(layout, q, b * bb, y, b * blockSize);
      return y;
    },
  };
}
